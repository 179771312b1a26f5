// Store behaviour that must be identical on SQLite and PostgreSQL. ctest runs
// this binary once per store (SIGHTLINE_TEST_STORE).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "store/db.h"
#include "store/driver.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::store {
namespace {

using ::testing::HasSubstr;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = sl::testing::OpenTestDatabase(4);
    Exec(ExpandDialect(
        "CREATE TABLE items (id {{ID}}, name TEXT NOT NULL UNIQUE, qty BIGINT, price {{REAL}}, data {{BLOB}})",
        db_->dialect()));
  }

  void Exec(const std::string& sql) {
    auto lease = db_->Acquire();
    Status st = lease->ExecScript(sql);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }

  int64_t Count(const std::string& table) {
    auto lease = db_->Acquire();
    auto row = lease->QueryOne("SELECT COUNT(*) AS n FROM " + table);
    EXPECT_TRUE(row.ok()) << row.error().message;
    return row.ok() && *row ? (*row)->i64("n") : -1;
  }

  std::unique_ptr<Database> db_;
};

TEST_F(StoreTest, RoundTripsEveryValueType) {
  Exec(ExpandDialect("CREATE TABLE vals (k BIGINT PRIMARY KEY, i BIGINT, r {{REAL}}, t TEXT, b {{BLOB}})",
                     db_->dialect()));
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes += static_cast<char>(c);
  const std::vector<Params> rows = {
      {int64_t{1}, int64_t{9223372036854775807LL}, 3.25, std::string("中文 ünïcode 🚀"), Blob{all_bytes}},
      {int64_t{2}, int64_t{-9223372036854775807LL - 1}, -1e-300, std::string("'; DROP TABLE x; --"),
       Blob{std::string("a\0b\0\0c", 6)}},
      {int64_t{3}, int64_t{0}, 0.1 + 0.2, std::string(), Blob{}},
      {int64_t{4}, std::monostate{}, std::monostate{}, std::monostate{}, std::monostate{}},
      {int64_t{5}, int64_t{42}, 1.7976931348623157e308, std::string("it's \"quoted\" \\ back?slash"),
       Blob{std::string("\\x00'")}},
  };
  {
    auto lease = db_->Acquire();
    for (const Params& p : rows) {
      auto n = lease->Execute("INSERT INTO vals (k, i, r, t, b) VALUES (?, ?, ?, ?, ?)", p);
      ASSERT_TRUE(n.ok()) << n.error().message;
      EXPECT_EQ(*n, 1);
    }
  }
  auto lease = db_->Acquire();
  auto got = lease->Query("SELECT k, i, r, t, b FROM vals ORDER BY k");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      EXPECT_EQ((*got)[r].at(c), rows[r][c]) << "row " << r << " column " << c;
    }
  }
  EXPECT_TRUE(lease->Query("SELECT COUNT(*) AS n FROM vals").ok()) << "the SQL-looking text stayed data";
  // Values work as parameters in WHERE clauses too (byte-exact comparison).
  auto by_blob = lease->QueryOne("SELECT k FROM vals WHERE b = ?", {Blob{all_bytes}});
  ASSERT_TRUE(by_blob.ok()) << by_blob.error().message;
  ASSERT_TRUE(by_blob->has_value());
  EXPECT_EQ((*by_blob)->i64("k"), 1);
  auto by_text = lease->QueryOne("SELECT k FROM vals WHERE t = ?", {std::string("中文 ünïcode 🚀")});
  ASSERT_TRUE(by_text.ok() && by_text->has_value());
  EXPECT_EQ((*by_text)->i64("k"), 1);
}

TEST_F(StoreTest, QuestionMarksInLiteralsAndCommentsAreNotParameters) {
  auto lease = db_->Acquire();
  auto row = lease->QueryOne(
      "SELECT 'what?' AS a, ? AS b, 'it''s ?' AS c /* why? */, \"q?\".x AS d -- really?\n"
      "FROM (SELECT ? AS x) AS \"q?\"",
      {std::string("first"), std::string("second")});
  ASSERT_TRUE(row.ok()) << row.error().message;
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->str("a"), "what?");
  EXPECT_EQ((*row)->str("b"), "first");
  EXPECT_EQ((*row)->str("c"), "it's ?");
  EXPECT_EQ((*row)->str("d"), "second");
}

TEST(PlaceholderRewrite, SkipsQuotesCommentsAndDollarBodies) {
  int n = 0;
  EXPECT_EQ(internal::RewritePlaceholders("SELECT ? , ?", &n), "SELECT $1 , $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(internal::RewritePlaceholders("a = '?' AND b = ? -- ?\nAND c = ?", &n),
            "a = '?' AND b = $1 -- ?\nAND c = $2");
  EXPECT_EQ(internal::RewritePlaceholders("x = 'it''s ?' OR y = \"?\" OR z = ?", &n),
            "x = 'it''s ?' OR y = \"?\" OR z = $1");
  EXPECT_EQ(internal::RewritePlaceholders("x = E'\\'?' AND y = ?", &n), "x = E'\\'?' AND y = $1");
  EXPECT_EQ(internal::RewritePlaceholders("/* a /* nested ? */ ? */ ?", &n), "/* a /* nested ? */ ? */ $1");
  EXPECT_EQ(internal::RewritePlaceholders("$fn$ SELECT ? $fn$, $$?$$, ?", &n), "$fn$ SELECT ? $fn$, $$?$$, $1");
  // "name'" is an identifier followed by a literal, not an E'' string.
  EXPECT_EQ(internal::RewritePlaceholders("SELECT 'a\\' , ?", &n), "SELECT 'a\\' , $1");
  EXPECT_EQ(n, 1);
}

TEST_F(StoreTest, ReturningGivesTheNewId) {
  auto lease = db_->Acquire();
  for (int64_t want = 1; want <= 3; ++want) {
    auto row = lease->QueryOne("INSERT INTO items (name, qty) VALUES (?, ?) RETURNING id",
                               {"item" + std::to_string(want), int64_t{1}});
    ASSERT_TRUE(row.ok()) << row.error().message;
    ASSERT_TRUE(row->has_value());
    EXPECT_EQ((*row)->i64("id"), want);
  }
}

TEST_F(StoreTest, ExecuteCountsChangedRows) {
  auto lease = db_->Acquire();
  for (const char* name : {"a", "b", "c"}) {
    ASSERT_TRUE(lease->Execute("INSERT INTO items (name, qty) VALUES (?, 5)", {std::string(name)}).ok());
  }
  auto n = lease->Execute("UPDATE items SET qty = qty + ? WHERE name <> ?", {int64_t{1}, std::string("a")});
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 2);
  auto none = lease->Execute("DELETE FROM items WHERE name = ?", {std::string("zzz")});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
}

TEST_F(StoreTest, TransactionCommits) {
  Status st = WithTransaction(*db_, [](Connection& c) -> Status {
    SL_TRY(c.Execute("INSERT INTO items (name) VALUES (?)", {std::string("kept")}));
    SL_TRY(c.Execute("INSERT INTO items (name) VALUES (?)", {std::string("kept too")}));
    return {};
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(Count("items"), 2);
}

TEST_F(StoreTest, TransactionRollsBackOnError) {
  Status st = WithTransaction(*db_, [](Connection& c) -> Status {
    SL_TRY(c.Execute("INSERT INTO items (name) VALUES (?)", {std::string("gone")}));
    return Error::BadRequest("changed my mind", "name");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(st.error().field, "name");
  EXPECT_EQ(Count("items"), 0);
}

TEST_F(StoreTest, TransactionRollsBackOnExceptionAndRethrows) {
  EXPECT_THROW((void)WithTransaction(*db_,
                                     [](Connection& c) -> Status {
                                       (void)c.Execute("INSERT INTO items (name) VALUES ('gone')");
                                       throw std::runtime_error("boom");
                                     }),
               std::runtime_error);
  EXPECT_EQ(Count("items"), 0);
  // Every pooled connection is back outside any transaction.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(db_->Acquire()->InTransaction());
}

TEST_F(StoreTest, LeaseDroppedMidTransactionIsRolledBack) {
  {
    auto lease = db_->Acquire();
    ASSERT_TRUE(lease->Begin().ok());
    ASSERT_TRUE(lease->Execute("INSERT INTO items (name) VALUES ('half')").ok());
  }
  EXPECT_EQ(Count("items"), 0);
}

TEST_F(StoreTest, ManualBeginCommitRollback) {
  auto lease = db_->Acquire();
  ASSERT_TRUE(lease->Begin().ok());
  EXPECT_TRUE(lease->InTransaction());
  ASSERT_TRUE(lease->Execute("INSERT INTO items (name) VALUES ('x')").ok());
  ASSERT_TRUE(lease->Rollback().ok());
  EXPECT_FALSE(lease->InTransaction());
  ASSERT_TRUE(lease->Begin().ok());
  ASSERT_TRUE(lease->Execute("INSERT INTO items (name) VALUES ('y')").ok());
  ASSERT_TRUE(lease->Commit().ok());
  auto rows = lease->Query("SELECT name FROM items");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().str("name"), "y");
}

TEST_F(StoreTest, UniqueViolationIsConflict) {
  auto lease = db_->Acquire();
  ASSERT_TRUE(lease->Execute("INSERT INTO items (name) VALUES (?)", {std::string("dup")}).ok());
  auto again = lease->Execute("INSERT INTO items (name) VALUES (?)", {std::string("dup")});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict) << again.error().message;
  auto pk = lease->Execute("INSERT INTO items (id, name) VALUES (1, 'other')");
  ASSERT_FALSE(pk.ok());
  EXPECT_EQ(pk.error().code, ErrorCode::kConflict) << pk.error().message;
  auto bad = lease->Execute("INSERT INTO no_such_table (x) VALUES (1)");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
  EXPECT_THAT(bad.error().message, HasSubstr("no_such_table"));
  // Inside a transaction the conflict surfaces through WithTransaction.
  Status st = WithTransaction(*db_, [](Connection& c) -> Status {
    SL_TRY(c.Execute("INSERT INTO items (name) VALUES ('fresh')"));
    SL_TRY(c.Execute("INSERT INTO items (name) VALUES ('dup')"));
    return {};
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Count("items"), 1);
}

TEST_F(StoreTest, CommitOfAFailedTransactionIsAnError) {
  auto lease = db_->Acquire();
  ASSERT_TRUE(lease->Begin().ok());
  ASSERT_TRUE(lease->Execute("INSERT INTO items (name) VALUES ('a')").ok());
  ASSERT_FALSE(lease->Execute("INSERT INTO items (name) VALUES ('a')").ok());
  Status st = lease->Commit();
  if (db_->dialect() == Dialect::kPostgres) {
    // PostgreSQL aborted the whole transaction; COMMIT must not pretend.
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(Count("items"), 0);
  } else {
    // SQLite undoes only the failed statement.
    EXPECT_TRUE(st.ok());
    EXPECT_EQ(Count("items"), 1);
  }
  EXPECT_FALSE(lease->InTransaction());
}

TEST_F(StoreTest, ExecuteBatchLoadsTenThousandRows) {
  std::vector<Params> rows;
  rows.reserve(10000);
  for (int i = 0; i < 10000; ++i) {
    rows.push_back({"n" + std::to_string(i), int64_t{i}, i * 0.5, Blob{std::string(1, static_cast<char>(i % 256))}});
  }
  auto start = std::chrono::steady_clock::now();
  Status st = WithTransaction(*db_, [&](Connection& c) {
    return c.ExecuteBatch("INSERT INTO items (name, qty, price, data) VALUES (?, ?, ?, ?)", rows);
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("batch_ms", static_cast<int>(ms));
  auto lease = db_->Acquire();
  auto sum = lease->QueryOne("SELECT COUNT(*) AS n, SUM(qty) AS s, SUM(price) AS p FROM items");
  ASSERT_TRUE(sum.ok()) << sum.error().message;
  EXPECT_EQ((*sum)->i64("n"), 10000);
  EXPECT_EQ((*sum)->i64("s"), 49995000);
  EXPECT_DOUBLE_EQ((*sum)->f64("p"), 24997500.0);
  // SUM over integers reads back as an integer on both stores.
  EXPECT_TRUE(std::holds_alternative<int64_t>((*sum)->at("s")));
  auto one = lease->QueryOne("SELECT data FROM items WHERE name = ?", {std::string("n300")});
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->at("data"), Value(Blob{std::string(1, static_cast<char>(300 % 256))}));
}

TEST_F(StoreTest, ExecuteBatchReportsAFailingRow) {
  std::vector<Params> rows;
  for (int i = 0; i < 600; ++i) rows.push_back({"n" + std::to_string(i == 500 ? 3 : i)});
  Status st = WithTransaction(*db_, [&](Connection& c) {
    return c.ExecuteBatch("INSERT INTO items (name) VALUES (?)", rows);
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict) << st.error().message;
  EXPECT_EQ(Count("items"), 0);
  // The connection is still usable afterwards.
  auto lease = db_->Acquire();
  EXPECT_TRUE(lease->ExecuteBatch("INSERT INTO items (name) VALUES (?)", {{std::string("ok")}}).ok());
  EXPECT_TRUE(lease->ExecuteBatch("INSERT INTO items (name) VALUES (?)", {}).ok());
}

TEST_F(StoreTest, RowAccessorsConvert) {
  auto lease = db_->Acquire();
  auto row = lease->QueryOne(
      "SELECT 42 AS i, 2.5 AS r, '17' AS ti, '1.25' AS tr, 'abc' AS t, NULL AS n, 1 = 1 AS yes, 1 = 0 AS no");
  ASSERT_TRUE(row.ok()) << row.error().message;
  const Row& r = **row;
  EXPECT_EQ(r.i64("i"), 42);
  EXPECT_EQ(r.str("i"), "42");
  EXPECT_DOUBLE_EQ(r.f64("i"), 42.0);
  EXPECT_DOUBLE_EQ(r.f64("r"), 2.5);
  EXPECT_EQ(r.i64("r"), 2);
  EXPECT_EQ(r.str("r"), "2.5");
  EXPECT_EQ(r.i64("ti"), 17);
  EXPECT_DOUBLE_EQ(r.f64("tr"), 1.25);
  EXPECT_EQ(r.i64("tr"), 1);
  EXPECT_EQ(r.str("t"), "abc");
  EXPECT_TRUE(r.is_null("n"));
  EXPECT_EQ(r.i64("n"), 0);
  EXPECT_EQ(r.str("n"), "");
  EXPECT_EQ(r.opt_i64("n"), std::nullopt);
  EXPECT_EQ(r.opt_i64("i"), 42);
  EXPECT_EQ(r.i64("yes"), 1);
  EXPECT_EQ(r.i64("no"), 0);
  EXPECT_THROW(r.at("missing"), std::out_of_range);
  EXPECT_THROW(r.i64("t"), std::invalid_argument);
  ASSERT_EQ(r.names().size(), 8u);
  EXPECT_EQ(r.names()[0], "i");
}

TEST_F(StoreTest, WrongParameterCountIsAnError) {
  auto lease = db_->Acquire();
  auto r = lease->Execute("INSERT INTO items (name, qty) VALUES (?, ?)", {std::string("one")});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInternal);
}

TEST_F(StoreTest, SelectStarSurvivesAlterTable) {
  auto lease = db_->Acquire();
  ASSERT_TRUE(lease->Execute("INSERT INTO items (name) VALUES ('a')").ok());
  auto before = lease->Query("SELECT * FROM items");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->front().size(), 5u);
  ASSERT_TRUE(lease->ExecScript("ALTER TABLE items ADD COLUMN note TEXT").ok());
  auto after = lease->Query("SELECT * FROM items");
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->front().size(), 6u);
}

TEST_F(StoreTest, PoolBlocksWhileAllConnectionsAreLent) {
  auto db = sl::testing::OpenTestDatabase(2);
  std::atomic<int> in_use{0}, max_in_use{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto lease = db->Acquire();
        int now = ++in_use;
        int prev = max_in_use.load();
        while (now > prev && !max_in_use.compare_exchange_weak(prev, now)) {
        }
        EXPECT_TRUE(lease->Query("SELECT 1 AS one").ok());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        --in_use;
      }
      ++done;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), 6);
  EXPECT_LE(max_in_use.load(), 2);
  EXPECT_EQ(max_in_use.load(), 2);

  // A third Acquire waits until one of two held leases comes back.
  auto a = db->Acquire();
  std::optional<Lease> b(db->Acquire());
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto c = db->Acquire();
    got = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_FALSE(got.load());
  b.reset();
  waiter.join();
  EXPECT_TRUE(got.load());
}

TEST_F(StoreTest, ConcurrentWritersDoNotFailWithBusy) {
  constexpr int kThreads = 4, kPerThread = 100;
  std::atomic<int> failures{0};
  std::string first_error;
  std::mutex error_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
        Status st = i % 2 == 0
                        ? WithTransaction(*db_,
                                          [&](Connection& c) -> Status {
                                            // Read first, then write: the pattern that deadlocks
                                            // deferred SQLite transactions.
                                            SL_TRY(c.Query("SELECT COUNT(*) AS n FROM items"));
                                            SL_TRY(c.Execute("INSERT INTO items (name, qty) VALUES (?, ?)",
                                                             {name, int64_t{i}}));
                                            return {};
                                          })
                        : [&]() -> Status {
                            auto lease = db_->Acquire();
                            SL_TRY(lease->Execute("INSERT INTO items (name, qty) VALUES (?, ?)", {name, int64_t{i}}));
                            return {};
                          }();
        if (!st.ok()) {
          ++failures;
          std::lock_guard lock(error_mu);
          if (first_error.empty()) first_error = st.error().message;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0) << first_error;
  EXPECT_EQ(Count("items"), kThreads * kPerThread);
}

TEST_F(StoreTest, BrokenConnectionIsReplaced) {
  if (db_->dialect() != Dialect::kPostgres) GTEST_SKIP() << "a SQLite connection cannot lose its link";
  {
    auto victim = db_->Acquire();
    auto pid = victim->QueryOne("SELECT pg_backend_pid() AS pid");
    ASSERT_TRUE(pid.ok()) << pid.error().message;
    {
      auto killer = db_->Acquire();
      auto killed = killer->QueryOne("SELECT pg_terminate_backend(?) AS ok", {(*pid)->i64("pid")});
      ASSERT_TRUE(killed.ok()) << killed.error().message;
      EXPECT_EQ((*killed)->i64("ok"), 1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto after = victim->Query("SELECT 1 AS one");
    ASSERT_FALSE(after.ok());
    EXPECT_EQ(after.error().code, ErrorCode::kUnavailable) << after.error().message;
    EXPECT_TRUE(victim->Broken());
  }
  // The pool dropped the dead connection; every lease works again.
  std::vector<Lease> leases;
  for (int i = 0; i < 4; ++i) {
    leases.push_back(db_->Acquire());
    auto one = leases.back()->QueryOne("SELECT 1 AS one");
    ASSERT_TRUE(one.ok()) << one.error().message;
  }
}

TEST(DatabaseOpen, RejectsUnknownSchemesAndReportsUnreachableServers) {
  auto bad = Database::Open("mysql://root:secret@host/db");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kBadRequest);
  EXPECT_EQ(bad.error().message.find("secret"), std::string::npos);
  auto zero = Database::Open("sqlite:/tmp/x.db", 0);
  ASSERT_FALSE(zero.ok());
  // Port 1 on loopback: refused at once.
  auto down = Database::Open("postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(down.error().message.find("secret"), std::string::npos) << down.error().message;
}

TEST(DatabaseOpen, DescribeOmitsThePassword) {
  EXPECT_EQ(internal::DescribePostgresUrl("postgresql://alice:s3cret@db.example:6543/sightline?sslmode=disable"),
            "postgresql://alice@db.example:6543/sightline");
  auto db = sl::testing::OpenTestDatabase(1);
  std::string d = db->Describe();
  EXPECT_TRUE(d.starts_with(db->dialect() == Dialect::kSqlite ? "sqlite:/" : "postgresql://")) << d;
}

}  // namespace
}  // namespace sl::store
