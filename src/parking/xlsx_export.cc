#include "parking/xlsx_export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/time.h"

namespace sl::parking {

namespace {

void Header(lxw_worksheet* ws, lxw_format* bold, const std::vector<const char*>& names) {
  for (size_t c = 0; c < names.size(); ++c) worksheet_write_string(ws, 1, static_cast<lxw_col_t>(c), names[c], bold);
}

void Figures(lxw_worksheet* ws, lxw_format* bold, lxw_format* pct, const std::vector<GroupFigures>& rows) {
  Header(ws, bold, {"key", "名称 name", "车位 spaces", "停车次数 sessions", "占用率 occupancy", "周转率 turnover",
                    "平均时长(分) avg minutes", "应收(元) billed", "实收(元) paid", "缴费率 payment rate",
                    "欠费(元) arrears"});
  lxw_row_t r = 2;
  for (const GroupFigures& g : rows) {
    worksheet_write_string(ws, r, 0, g.key.c_str(), nullptr);
    worksheet_write_string(ws, r, 1, g.name.c_str(), nullptr);
    worksheet_write_number(ws, r, 2, g.spaces, nullptr);
    worksheet_write_number(ws, r, 3, static_cast<double>(g.sessions), nullptr);
    worksheet_write_number(ws, r, 4, g.occupancy, pct);
    worksheet_write_number(ws, r, 5, g.turnover, nullptr);
    worksheet_write_number(ws, r, 6, g.avg_minutes, nullptr);
    worksheet_write_number(ws, r, 7, g.amount_fen / 100.0, nullptr);
    worksheet_write_number(ws, r, 8, g.paid_fen / 100.0, nullptr);
    worksheet_write_number(ws, r, 9, g.payment_rate, pct);
    worksheet_write_number(ws, r, 10, g.arrears_fen / 100.0, nullptr);
    ++r;
  }
}

}  // namespace

Result<std::string> AnalyticsWorkbook(const Analytics& analytics, const AnalyticsQuery& q) {
  char path[] = "/tmp/sightline-xlsx-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) return Error::Internal("cannot create a temporary file for the workbook");
  ::close(fd);
  lxw_workbook* wb = workbook_new(path);
  if (!wb) {
    std::remove(path);
    return Error::Internal("cannot start the workbook");
  }
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* pct = workbook_add_format(wb);
  format_set_num_format(pct, "0.0%");
  const std::string filter = "从 " + (q.from_ms ? FormatIso8601China(q.from_ms) : std::string("(全部)")) + " 到 " +
                             (q.to_ms ? FormatIso8601China(q.to_ms) : std::string("(全部)")) +
                             (q.town.empty() ? "" : " 镇街 " + q.town) +
                             (q.lot_id ? " 停车场 " + std::to_string(q.lot_id) : "");
  const Summary summary = analytics.QuerySummary(q);
  auto sheet = [&](const char* name) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, name);
    worksheet_write_string(ws, 0, 0, filter.c_str(), bold);
    return ws;
  };
  Figures(sheet("停车场 lots"), bold, pct, summary.by_lot);
  Figures(sheet("镇街 towns"), bold, pct, summary.by_town);
  Figures(sheet("每日 days"), bold, pct, analytics.QueryDaily(q).days);
  const Hourly hourly = analytics.QueryHourly(q);
  lxw_worksheet* hours = sheet("时段 hours");
  Header(hours, bold, {"小时 hour", "占用率 occupancy", "周一 Mon", "周二 Tue", "周三 Wed", "周四 Thu", "周五 Fri",
                       "周六 Sat", "周日 Sun"});
  for (int h = 0; h < 24; ++h) {
    worksheet_write_number(hours, static_cast<lxw_row_t>(h + 2), 0, h, nullptr);
    worksheet_write_number(hours, static_cast<lxw_row_t>(h + 2), 1, hourly.by_hour[h], pct);
    for (int w = 0; w < 7; ++w)
      worksheet_write_number(hours, static_cast<lxw_row_t>(h + 2), static_cast<lxw_col_t>(w + 2), hourly.heat[w][h], pct);
  }
  lxw_worksheet* pricing = sheet("调价建议 pricing");
  Header(pricing, bold, {"lot", "名称 name", "工作日白天占用率 weekday occupancy", "现价(元/时) price",
                         "建议价(元/时) recommended", "建议 action"});
  lxw_row_t r = 2;
  for (const PriceAdvice& a : analytics.QueryPricing(q)) {
    worksheet_write_number(pricing, r, 0, static_cast<double>(a.lot_id), nullptr);
    worksheet_write_string(pricing, r, 1, a.name.c_str(), nullptr);
    worksheet_write_number(pricing, r, 2, a.occupancy, pct);
    worksheet_write_number(pricing, r, 3, a.price_fen / 100.0, nullptr);
    worksheet_write_number(pricing, r, 4, a.recommended_fen / 100.0, nullptr);
    worksheet_write_string(pricing, r, 5, a.action.c_str(), nullptr);
    ++r;
  }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    std::remove(path);
    return Error::Internal(std::string("workbook not written: ") + lxw_strerror(err));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::remove(path);
  return bytes.str();
}

}  // namespace sl::parking
