// The planners' analytics as an .xlsx workbook (libxlsxwriter): sheets for
// lots, towns, days, hours and price recommendations, with the filter of the
// query on each sheet's first row.
#pragma once

#include <string>

#include "common/result.h"
#include "parking/analytics.h"

namespace sl::parking {

// The workbook's bytes. Errors: kInternal when the workbook cannot be written.
Result<std::string> AnalyticsWorkbook(const Analytics& analytics, const AnalyticsQuery& query);

}  // namespace sl::parking
