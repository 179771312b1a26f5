// Standard case documents as print-ready HTML pages (A4, Chinese), generated
// from the case record alone: filing approval form (立案审批表), prior notice of
// penalty (行政处罚事先告知书), penalty decision (行政处罚决定书, with a QR code
// to the public verification page) and service receipt (送达回证). And the
// public verification page itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cases/case_store.h"
#include "common/result.h"

namespace sl::cases {

inline constexpr const char* kBureau = "桐乡市综合行政执法局";

// Names the documents need that live outside the case row.
struct DocumentContext {
  std::string town;
  std::string officer1, officer1_badge, officer2, officer2_badge;
  std::string reviewer;
  std::vector<StepRecord> steps;
  std::string verify_url;  // absolute URL of the verification page for this decision
  // The case's field evidence, listed with its hashes on the decision.
  struct Evidence {
    int64_t id = 0;
    std::string mode, sha256;
    int64_t captured_at = 0;
    int64_t ledger_index = 0;
  };
  std::vector<Evidence> evidence;
  // The item of APL Art. 63 giving the party a hearing right ("" none): the
  // prior notice offers a hearing only then.
  std::string hearing_right;
};

// Kinds: filing_approval | prior_notice | decision | service_receipt.
// kBadRequest for an unknown kind; kConflict (naming the step the case has
// not reached) when the document does not exist yet.
Result<std::string> RenderDocument(std::string_view kind, const CaseRecord& record, const DocumentContext& context);
// Which documents exist for the case now.
std::vector<std::string> AvailableDocuments(const CaseRecord& record);

// The verification page's URL for a decision: under `public_url` when
// configured, else http(s)://<host> from the request (https only when a proxy
// says so in X-Forwarded-Proto).
std::string DecisionVerifyUrl(std::string_view public_url, std::string_view host, std::string_view forwarded_proto,
                              std::string_view decision_no, std::string_view verify_code);

// An SVG QR code of `text` (libqrencode, error correction M).
Result<std::string> QrSvg(const std::string& text, int module_px = 4);

// The public page: genuine (with the masked facts) or not found.
std::string RenderVerifyPage(const CaseRecord* record, std::string_view number);

// Escapes text for HTML.
std::string Html(std::string_view text);
// 12345 fen → "123.45".
std::string Yuan(int64_t fen);
// "2026年11月28日" (China time).
std::string ChineseDate(int64_t epoch_ms);

}  // namespace sl::cases
