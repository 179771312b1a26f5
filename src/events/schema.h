// Schema of the urban-event loop: configurable event categories (the ten
// chaos categories and others) with their step time limits, events, the audit
// trail of their steps, and uploaded photos (content-addressed, see
// blob_store.h). Migration ids 600-699.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::events {

std::vector<store::Migration> Migrations();

}  // namespace sl::events
