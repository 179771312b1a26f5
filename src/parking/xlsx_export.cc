#include "parking/xlsx_export.h"

#include "common/time.h"
#include "common/xlsx.h"

namespace sl::parking {

namespace {

xlsx::Sheet FiguresSheet(std::string name, const std::string& title, const std::vector<GroupFigures>& rows) {
  xlsx::Sheet sheet{std::move(name),
                    {"key", "名称 name", "车位 spaces", "停车次数 sessions", "占用率 occupancy", "周转率 turnover",
                     "平均时长(分) avg minutes", "应收(元) billed", "实收(元) paid", "缴费率 payment rate",
                     "欠费(元) arrears"},
                    title};
  for (const GroupFigures& g : rows) {
    sheet.rows.push_back({g.key, g.name, int64_t{g.spaces}, g.sessions, xlsx::Percent{g.occupancy}, g.turnover,
                          g.avg_minutes, xlsx::Fen{g.amount_fen}, xlsx::Fen{g.paid_fen},
                          xlsx::Percent{g.payment_rate}, xlsx::Fen{g.arrears_fen}});
  }
  return sheet;
}

}  // namespace

Result<std::string> AnalyticsWorkbook(const Analytics& analytics, const AnalyticsQuery& q) {
  const std::string title = "从 " + (q.from_ms ? FormatIso8601China(q.from_ms) : std::string("(全部)")) + " 到 " +
                            (q.to_ms ? FormatIso8601China(q.to_ms) : std::string("(全部)")) +
                            (q.town.empty() ? "" : " 镇街 " + q.town) +
                            (q.lot_id ? " 停车场 " + std::to_string(q.lot_id) : "");
  const Summary summary = analytics.QuerySummary(q);
  std::vector<xlsx::Sheet> sheets;
  sheets.push_back(FiguresSheet("停车场 lots", title, summary.by_lot));
  sheets.push_back(FiguresSheet("镇街 towns", title, summary.by_town));
  sheets.push_back(FiguresSheet("每日 days", title, analytics.QueryDaily(q).days));

  const Hourly hourly = analytics.QueryHourly(q);
  xlsx::Sheet hours{"时段 hours",
                    {"小时 hour", "占用率 occupancy", "周一 Mon", "周二 Tue", "周三 Wed", "周四 Thu", "周五 Fri",
                     "周六 Sat", "周日 Sun"},
                    title};
  for (int h = 0; h < 24; ++h) {
    std::vector<xlsx::Cell> row{int64_t{h}, xlsx::Percent{hourly.by_hour[h]}};
    for (int w = 0; w < 7; ++w) row.push_back(xlsx::Percent{hourly.heat[w][h]});
    hours.rows.push_back(std::move(row));
  }
  sheets.push_back(std::move(hours));

  xlsx::Sheet pricing{"调价建议 pricing",
                      {"lot", "名称 name", "工作日白天占用率 weekday occupancy", "现价(元/时) price",
                       "建议价(元/时) recommended", "建议 action"},
                      title};
  for (const PriceAdvice& a : analytics.QueryPricing(q)) {
    pricing.rows.push_back({a.lot_id, a.name, xlsx::Percent{a.occupancy}, xlsx::Fen{a.price_fen},
                            xlsx::Fen{a.recommended_fen}, a.action});
  }
  sheets.push_back(std::move(pricing));
  return xlsx::Build(sheets);
}

}  // namespace sl::parking
