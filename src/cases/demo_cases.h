// The demo city's penalty cases: Tongxiang's scale since 2022 — about 12,500
// cases of which about 7,700 general procedure (61.66%) — spread over the
// towns, categories and officers of the demo city already in the store.
//
// Consistent with the statutory clocks: each case's steps follow one another
// in the order and within the periods the law sets (computed on `calendar`),
// older cases are closed and archived, recent ones are at every stage, and a
// small share is overdue (decision period passed while still investigating,
// fines unpaid after 15 days) so the deadline views and the sweep have work.
//
// Deterministic: the same seed and the same day of `now_ms` (China time; the
// history runs up to that day's midnight) give the same rows on
// SQLite and PostgreSQL (the demo city's own rows must be the same too).
// Written in one transaction with prepared batches.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "common/working_calendar.h"
#include "store/db.h"

namespace sl::cases {

struct DemoCasesOptions {
  uint64_t seed = 1;
  int cases = 12500;
  double general_share = 0.6166;
};

struct DemoCasesReport {
  int cases = 0, general = 0, open = 0, overdue = 0, steps = 0;
  double seconds = 0;
};

// Needs towns and officers in the store (the demo city); kConflict when cases
// already exist.
Result<DemoCasesReport> LoadDemoCases(store::Database& db, const DemoCasesOptions& options, int64_t now_ms,
                                      const WorkingCalendar& calendar);

}  // namespace sl::cases
