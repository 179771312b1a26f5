// Schema of the urban-event loop: configurable event categories (the ten
// chaos categories and others) with their step time limits, events, the audit
// trail of their steps, and uploaded photos (content-addressed, see
// blob_store.h). Migration ids 600-699.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::events {

std::vector<store::Migration> Migrations();

// Rebuilds event_rollup from the events table (used by migration 602 and after
// the demo history is loaded). Plain SQL valid on both stores.
extern const char* const kRollupRebuildSql;

}  // namespace sl::events
