#include "store/backup.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/db.h"

namespace sl::store {
namespace {

// The backup concerns SQLite files only, so it is tested on SQLite in both
// store runs.
TEST(BackupSqlite, CopiesALiveDatabase) {
  char dir_template[] = "/tmp/sl-backup-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string url = "sqlite:" + dir + "/live/sightline.db";
  {
    auto db = Database::Open(url, 2);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto lease = (*db)->Acquire();
    ASSERT_TRUE(lease->ExecScript("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)").ok());
    std::vector<Params> rows;
    for (int i = 0; i < 2000; ++i) rows.push_back({int64_t{i}, Blob{std::string(100, static_cast<char>(i))}});
    ASSERT_TRUE(lease->Begin().ok());
    ASSERT_TRUE(lease->ExecuteBatch("INSERT INTO t (k, v) VALUES (?, ?)", rows).ok());
    ASSERT_TRUE(lease->Commit().ok());
    // The source stays open (WAL not checkpointed) while the backup runs.
    Status st = BackupSqlite(url, dir + "/out/copy.db");
    ASSERT_TRUE(st.ok()) << st.error().message;
    // Replacing an existing backup works too.
    st = BackupSqlite(url, dir + "/out/copy.db");
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  auto copy = Database::Open("sqlite:" + dir + "/out/copy.db", 1);
  ASSERT_TRUE(copy.ok()) << copy.error().message;
  auto lease = (*copy)->Acquire();
  auto row = lease->QueryOne("SELECT COUNT(*) AS n, SUM(k) AS s FROM t");
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ((*row)->i64("n"), 2000);
  EXPECT_EQ((*row)->i64("s"), 1999 * 2000 / 2);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/out")) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
  }
  std::filesystem::remove_all(dir, ec);
}

TEST(BackupSqlite, ExplainsOtherStoresAndMissingFiles) {
  Status pg = BackupSqlite("postgresql://postgres@127.0.0.1:1/sightline", "/tmp/x.db");
  ASSERT_FALSE(pg.ok());
  EXPECT_EQ(pg.error().code, ErrorCode::kBadRequest);
  EXPECT_NE(pg.error().message.find("pg_dump"), std::string::npos);
  Status missing = BackupSqlite("sqlite:/nonexistent/dir/none.db", "/tmp/x.db");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace sl::store
