// The demo cases on a small demo city: deterministic for a seed, every case
// in a state the rules can reach, the general-procedure share as asked, and
// running deadlines only on open cases.
#include "cases/demo_cases.h"

#include <gtest/gtest.h>

#include "api/schema.h"
#include "common/time.h"
#include "demo/demo_city.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::cases {
namespace {

std::vector<std::string> Generate(int64_t now, DemoCasesReport* report) {
  auto db = sl::testing::OpenTestDatabase();
  EXPECT_TRUE(store::Migrate(*db, api::AllMigrations()).ok());
  demo::DemoOptions city;
  city.seed = 3;
  city.subjects = 400;
  city.password = "demo-pass-123";
  ManualClock clock(now);
  EXPECT_TRUE(demo::GenerateDemoCity(*db, city, clock).ok());
  DemoCasesOptions options;
  options.seed = 3;
  options.cases = 1500;
  auto loaded = LoadDemoCases(*db, options, now, WorkingCalendar::China());
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  if (loaded.ok()) *report = *loaded;
  EXPECT_EQ(LoadDemoCases(*db, options, now, WorkingCalendar::China()).error().code, ErrorCode::kConflict);
  auto lease = db->Acquire();
  auto rows = lease->Query("SELECT number, procedure, state, fine_fen, COALESCE(decision_no, '') AS d, next_due_ms "
                           "FROM cases ORDER BY id");
  std::vector<std::string> out;
  for (const auto& r : *rows)
    out.push_back(r.str("number") + "|" + r.str("procedure") + "|" + r.str("state") + "|" +
                  std::to_string(r.i64("fine_fen")) + "|" + r.str("d") + "|" +
                  std::to_string(r.opt_i64("next_due_ms").value_or(0)));
  // Terminal cases run no clock; a case with a running clock is open.
  auto clocks = lease->QueryOne("SELECT COUNT(*) AS n FROM cases WHERE next_due_ms IS NOT NULL AND state IN "
                                "('archived', 'closed', 'not_filed', 'transferred')");
  EXPECT_EQ((*clocks)->i64("n"), 0);
  auto steps = lease->QueryOne("SELECT COUNT(*) AS n FROM case_steps");
  EXPECT_EQ((*steps)->i64("n"), report->steps);
  return out;
}

TEST(DemoCasesTest, DeterministicAndConsistent) {
  const int64_t now = *ParseIso8601("2026-11-20T10:00:00+08:00");
  DemoCasesReport a, b;
  const auto first = Generate(now, &a);
  const auto second = Generate(now, &b);
  EXPECT_EQ(first, second);
  EXPECT_EQ(a.cases, 1500);
  EXPECT_NEAR(static_cast<double>(a.general) / a.cases, 0.6166, 0.03);
  EXPECT_GT(a.open, 0);
  EXPECT_GT(a.overdue, 0);
  int archived = 0;
  for (const auto& row : first) archived += row.find("|archived|") != std::string::npos;
  EXPECT_GT(archived, 1000);
}

}  // namespace
}  // namespace sl::cases
