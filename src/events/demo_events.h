// The demo city's urban-event history: events since 1 January 2022 at
// Tongxiang's scale across the ten-chaos and other categories, fewer each
// year (the "ten chaos" campaign working), each run through the seven steps
// on the working calendar with its stored deadlines. Most steps finish within
// their limits; a share (falling over the years) finish late, a few events
// are sent back for rework, some public and hotline reports are rejected, and
// the most recent ones are still open — some of them already overdue.
//
// Deterministic: the same seed, `now_ms` and city give the same rows on
// SQLite and PostgreSQL. Goes into a database holding the demo city and no
// events yet (kConflict otherwise), in one transaction.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "common/working_calendar.h"
#include "store/db.h"

namespace sl::events {

struct DemoEventOptions {
  uint64_t seed = 1;
  int first_year_events = 24000;  // events in 2022; each later year about 12 % fewer
  double yearly_decline = 0.12;
};

struct DemoEventReport {
  int events = 0, steps = 0, open = 0, overdue_open = 0;
  double seconds = 0;
};

Result<DemoEventReport> LoadDemoEvents(store::Database& db, const DemoEventOptions& options, int64_t now_ms,
                                       const WorkingCalendar& calendar);

}  // namespace sl::events
