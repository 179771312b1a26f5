// HTTP routes of penalty cases (see docs/openapi.json, tag "cases"):
//   GET  /api/v1/cases                      list with filters (cases.read)
//   POST /api/v1/cases                      open a general case / decide a summary case (cases.write)
//   GET  /api/v1/cases/actor                the caller as the rules see it (staff row, certificate, qualification)
//   GET  /api/v1/cases/{id}                 case, deadlines, timeline, the caller's actions, documents
//   POST /api/v1/cases/{id}/steps           take one step {"action": ..., ...} (cases.write)
//   POST /api/v1/cases/{id}/assist          the steps auxiliary staff may take (cases.assist, ZJ Art. 30)
//   GET  /api/v1/cases/{id}/documents/{kind} print-ready HTML document
//   GET  /api/v1/cases/stats                statistics for leaders (cases.stats)
//   GET  /api/v1/cases/stats.xlsx           the same as a workbook
//   GET  /api/v1/public/decisions/verify    is a decision number genuine? (public, JSON)
//   GET  /verify/decision                   the same as the public page the decision's QR code opens
#pragma once

#include "api/api_router.h"
#include "cases/case_service.h"

namespace sl::cases {

void RegisterCaseRoutes(api::ApiRouter& api, store::Database& db, CaseService& service);

}  // namespace sl::cases
