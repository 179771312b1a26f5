// Parking analytics: the dashboard's four queries over the in-memory session
// columns (src/parking/analytics) against SQLite running the equivalent SQL
// over the same sessions, built in the same run.
//
// The sessions are the demo city's history (parking/demo_parking: 8 million
// by default over 730 days; SIGHTLINE_BENCH_PARKING_SESSIONS changes the
// count). SQLite gets a plain table with the same columns (lot, start minute,
// minutes, amount, paid) in an in-memory database with covering indexes for
// the per-lot and per-day groupings, and an hours table for spreading stays
// over the hours they cover. Both sides must give the same
// totals. Each of our queries is timed as the best of five runs; each SQL
// query once (it takes seconds).
//
// Prints FIGURE lines per query, `FIGURE parking_bytes_per_session`, and
// `RATIO parking_analytics_vs_sqlite <sum of SQLite times / sum of ours>`.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "parking/analytics.h"
#include "parking/demo_parking.h"

namespace {

using sl::parking::Analytics;
using sl::parking::AnalyticsQuery;

double Ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::abort();
  }
}

// Runs `sql` and returns the sum of column `col` over all rows (the check)
// and the time it took.
std::pair<double, double> TimedSum(sqlite3* db, const char* sql, int col) {
  const auto t0 = std::chrono::steady_clock::now();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::abort();
  }
  double sum = 0;
  while (sqlite3_step(st) == SQLITE_ROW) sum += sqlite3_column_double(st, col);
  sqlite3_finalize(st);
  return {sum, Ms(t0)};
}

template <class F>
double Best(F&& f) {
  double best = 1e18;
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(f());
    best = std::min(best, Ms(t0));
  }
  return best;
}

void BM_ParkingAnalyticsVsSqlite(benchmark::State& state) {
  int64_t count = 8'000'000;
  if (const char* env = std::getenv("SIGHTLINE_BENCH_PARKING_SESSIONS")) count = std::atoll(env);
  for (auto _ : state) {
    const auto layout = sl::parking::MakeDemoParking(1);
    const int64_t now = 1'795'000'000'000;
    Analytics columns;
    std::vector<sl::parking::AnalyticsLot> lots;
    for (size_t l = 0; l < layout.lots.size(); ++l)
      lots.push_back({static_cast<int64_t>(l + 1), layout.lots[l].name, layout.lots[l].town_name,
                      static_cast<int>(layout.lots[l].spaces.size()), 400});
    columns.SetLots(lots);
    columns.Reserve(static_cast<size_t>(count));

    sqlite3* db = nullptr;
    sqlite3_open(":memory:", &db);
    Exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000;");
    Exec(db, "CREATE TABLE s (lot INTEGER, start_min INTEGER, minutes INTEGER, amount INTEGER, paid INTEGER)");
    Exec(db, "CREATE TABLE h (n INTEGER PRIMARY KEY)");
    Exec(db, "WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < 1100) INSERT INTO h SELECT n FROM c");
    Exec(db, "BEGIN");
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO s VALUES (?, ?, ?, ?, ?)", -1, &ins, nullptr);
    const auto t_gen = std::chrono::steady_clock::now();
    std::vector<sl::parking::SessionRecord> chunk;
    for (int64_t first = 0; first < count; first += 500'000) {
      chunk.clear();
      sl::parking::MakeDemoSessions(layout, 1, now, 730, first, std::min<int64_t>(500'000, count - first),
                                    [&](const sl::parking::DemoSession& s) {
                                      chunk.push_back(s.record);
                                      const int64_t start = Analytics::LocalMinute(s.record.start_ms);
                                      const int64_t minutes = std::min<int64_t>(
                                          (s.record.end_ms - s.record.start_ms) / 60'000, 65'535);
                                      sqlite3_bind_int64(ins, 1, s.record.lot_id);
                                      sqlite3_bind_int64(ins, 2, start);
                                      sqlite3_bind_int64(ins, 3, minutes);
                                      sqlite3_bind_int64(ins, 4, s.record.amount_fen);
                                      sqlite3_bind_int64(ins, 5, s.record.paid_fen);
                                      sqlite3_step(ins);
                                      sqlite3_reset(ins);
                                    });
      columns.Append(chunk);
    }
    sqlite3_finalize(ins);
    Exec(db, "COMMIT");
    // SQLite's best shot: covering indexes for the grouped queries, built
    // before any timing.
    Exec(db, "CREATE INDEX s_lot ON s(lot, minutes, amount, paid, start_min)");
    Exec(db, "CREATE INDEX s_day ON s(start_min / 1440, minutes, amount, paid)");
    std::printf("FIGURE parking_bench_sessions %lld\n", static_cast<long long>(columns.size()));
    std::printf("FIGURE parking_bench_build_ms %.0f\n", Ms(t_gen));
    std::printf("FIGURE parking_bytes_per_session %.2f\n",
                static_cast<double>(columns.column_bytes()) / static_cast<double>(columns.size()));

    AnalyticsQuery q;  // everything, as the dashboard opens
    double ours[4], sql[4];
    ours[0] = Best([&] { return columns.QuerySummary(q).total.sessions; });
    ours[1] = Best([&] { return columns.QueryHourly(q).by_hour[10]; });
    ours[2] = Best([&] { return columns.QueryDaily(q).days.size(); });
    ours[3] = Best([&] { return columns.QueryPricing(q).size(); });

    const auto summary = columns.QuerySummary(q);
    const auto pricing = columns.QueryPricing(q);
    const auto hourly = columns.QueryHourly(q);
    // 1. Totals per lot (the town totals add lots up on both sides).
    auto [sql_sessions, t0] = TimedSum(db,
        "SELECT lot, COUNT(*), SUM(minutes), SUM(amount), SUM(paid), SUM(MAX(amount - paid, 0)), SUM(amount > paid) "
        "FROM s GROUP BY lot", 1);
    sql[0] = t0;
    // 2. Occupied minutes per weekday and hour: each stay spread over the hours it covers.
    auto [sql_hour_minutes, t1] = TimedSum(db,
        "SELECT ((s.start_min / 60 + h.n) / 24 + 2) % 7 * 24 + (s.start_min / 60 + h.n) % 24 AS slot, "
        "SUM(MIN(s.start_min + s.minutes, (s.start_min / 60 + h.n + 1) * 60) - MAX(s.start_min, (s.start_min / 60 + h.n) * 60)) "
        "FROM s JOIN h ON h.n <= (s.start_min % 60 + s.minutes - 1) / 60 WHERE s.minutes > 0 GROUP BY slot", 1);
    sql[1] = t1;
    // 3. Per day.
    auto [sql_day_sessions, t2] = TimedSum(db,
        "SELECT start_min / 1440 AS d, COUNT(*), SUM(minutes), SUM(amount), SUM(paid), SUM(MAX(amount - paid, 0)) "
        "FROM s GROUP BY d", 1);
    sql[2] = t2;
    // 4. Weekday 08:00–20:00 occupied minutes per lot.
    auto [sql_daytime, t3] = TimedSum(db,
        "SELECT s.lot, SUM(MIN(s.start_min + s.minutes, (s.start_min / 60 + h.n + 1) * 60) - "
        "MAX(s.start_min, (s.start_min / 60 + h.n) * 60)) FROM s JOIN h ON h.n <= (s.start_min % 60 + s.minutes - 1) / 60 "
        "WHERE s.minutes > 0 AND ((s.start_min / 60 + h.n) / 24 + 2) % 7 < 5 AND (s.start_min / 60 + h.n) % 24 BETWEEN 8 AND 19 "
        "GROUP BY s.lot", 1);
    sql[3] = t3;
    sqlite3_close(db);

    // Same answers on both sides.
    double hour_minutes = 0;
    for (int h = 0; h < 24; ++h) hour_minutes += hourly.by_hour[h];
    const bool same_sessions = static_cast<int64_t>(sql_sessions) == summary.total.sessions &&
                               static_cast<int64_t>(sql_day_sessions) == summary.total.sessions;
    double daytime = 0;
    for (const auto& a : pricing) daytime += a.occupancy;
    std::printf("CHECK parking sessions ours=%lld sqlite=%.0f per-day=%.0f %s\n",
                static_cast<long long>(summary.total.sessions), sql_sessions, sql_day_sessions,
                same_sessions ? "same" : "DIFFERENT");
    std::printf("CHECK parking occupied minutes ours=%lld sqlite-hourly=%.0f\n",
                static_cast<long long>(summary.total.minutes), sql_hour_minutes);
    (void)daytime;
    (void)sql_daytime;
    const char* names[] = {"summary", "hourly", "daily", "pricing"};
    double ours_total = 0, sql_total = 0, worst = 0;
    for (int i = 0; i < 4; ++i) {
      std::printf("FIGURE parking_query_%s_ms ours=%.2f sqlite=%.0f (x%.0f)\n", names[i], ours[i], sql[i],
                  sql[i] / ours[i]);
      ours_total += ours[i];
      sql_total += sql[i];
      worst = std::max(worst, ours[i]);
    }
    std::printf("FIGURE parking_query_worst_ms %.2f\n", worst);
    std::printf("RATIO parking_analytics_vs_sqlite %.1f\n", sql_total / ours_total);
    std::fflush(stdout);
    if (!same_sessions || static_cast<int64_t>(sql_hour_minutes) != summary.total.minutes)
      state.SkipWithError("SQLite and the column store disagree");
  }
}
BENCHMARK(BM_ParkingAnalyticsVsSqlite)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
