// The law of a penalty case as a pure state machine: which step may follow
// which, who may take it, which statutory clocks it starts and stops, and the
// article behind each refusal. No I/O: the service loads a CaseRecord, calls
// Apply, and stores the result with its step and audit record in one
// transaction.
//
// General procedure (APL = Administrative Penalty Law 2021):
//   filing --approve_filing--> investigating --submit_review--> review
//   --complete_review--> reviewed --notify--> notified [--request_hearing-->
//   hearing_requested --schedule_hearing--> hearing_scheduled
//   --record_hearing--> heard] --decide--> decided (from notified once the
//   5-working-day window has passed or the party waived it: waive_rights) --serve--> served
//   --pay (in full)--> executed --close--> closed --archive--> archived.
// Side paths: reject_filing -> not_filed; order_correction -> correcting
//   --correction_result--> closed (corrected, no penalty, Art. 33) or back to
//   investigating; propose_transfer -> transfer_pending --approve_transfer-->
//   transferring --hand_over--> transferred (suspected crime); recuse (Art. 43),
//   extend (Art. 60), register/decide evidence (Art. 56), record_consent
//   (Art. 61), collective_decision (Art. 57), defer_payment (Art. 66) leave the
//   state as it is.
// Summary procedure (Art. 51): created decided and served on the spot, in
// state served (fine to pay) or executed (warning, or cash paid on the spot).
//
// Refusals: a step the law does not allow now is kConflict (409) whose message
// cites the article; a caller whose role or position may not take the step is
// kForbidden (403) — auxiliary staff never take an officer's or decider's step
// (Zhejiang comprehensive enforcement regulation Art. 30); bad input is
// kBadRequest naming the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "common/result.h"
#include "common/working_calendar.h"

namespace sl::cases {

// Thresholds in fen.
inline constexpr int64_t kSummaryCitizenMaxFen = 200'00;         // APL Art. 51
inline constexpr int64_t kSummaryOrganisationMaxFen = 3'000'00;  // APL Art. 51
inline constexpr int64_t kOnSpotCashMaxFen = 100'00;             // APL Art. 68
inline constexpr int64_t kMaxFineFen = 100'000'000'00;           // sanity bound on input (1e8 yuan)
inline constexpr int64_t kDayMs = 24LL * 3600 * 1000;

// Penalty kinds (APL Art. 9): warning, fine, confiscation of illegal gains or
// property (fine_fen then holds their value), reduction of a qualification
// level, revocation of a permit, order to suspend production or business,
// order to close, restriction of practice. The summary procedure takes only
// warning and fine (Art. 51).
bool IsPenaltyKind(std::string_view penalty);

// "Large" amounts of APL Art. 63(1)-(2), set by each province (the deployment
// configures them: [cases] hearing_fine_citizen_yuan / hearing_fine_organisation_yuan).
struct HearingThresholds {
  int64_t citizen_fen = 10'000'00;        // a fine (or confiscated value) of at least this for a citizen
  int64_t organisation_fen = 100'000'00;  // ... for an organisation
};

// The item of APL Art. 63 that gives the party a right to a hearing on the
// penalty notified to it ("APL Art. 63(1)" …), or "" when none does (a
// warning, a fine or confiscation below the large amount).
std::string HearingRight(const std::string& penalty, int64_t amount_fen, const std::string& party_kind,
                         const HearingThresholds& thresholds);

struct Deadline {
  std::string kind;     // decision | evidence_decision | correction | hearing_request | hearing | service | payment
                        // | transfer_approval | transfer_handover
  int64_t due_ms = 0;
  std::string article;
  int64_t started_at = 0;
  int64_t closed_at = 0;  // 0: running
  int alerted = 0;        // 0 none, 1 near published, 2 overdue published
};

struct CaseRecord {
  int64_t id = 0;
  std::string number;
  std::string procedure = "general";  // summary | general
  std::string state;
  std::string party_kind = "citizen";  // citizen | organisation
  std::string party_name, party_id_no, party_phone, party_address;
  int64_t subject_id = 0;
  std::string category, cause, legal_basis, facts;
  int64_t town_id = 0;
  int64_t officer1_id = 0, officer2_id = 0, reviewer_id = 0, hearing_chair_id = 0;
  int64_t source_event_id = 0;
  bool major = false;
  std::string penalty;  // "" | warning | fine
  int64_t proposed_fine_fen = 0, fine_fen = 0, paid_fen = 0, surcharge_fen = 0;
  int instalments = 0;
  bool e_service_consent = false, review_passed = false, collective_done = false;
  int64_t hearing_at = 0;
  std::string outcome;
  std::string decision_no, verify_code;
  int64_t created_at = 0, filed_at = 0, notified_at = 0, decided_at = 0, served_at = 0, paid_at = 0, closed_at = 0,
          archived_at = 0, updated_at = 0;
  std::vector<Deadline> deadlines;

  const Deadline* FindDeadline(std::string_view kind) const;
  Deadline* FindDeadline(std::string_view kind);
  // Earliest running deadline, 0 when none runs.
  int64_t NextDue() const;
  bool IsOfficer(int64_t staff_id) const { return staff_id && (staff_id == officer1_id || staff_id == officer2_id); }
};

// Who takes a step: the account's role and, when it is tied to a staff row,
// what that row says.
struct Actor {
  int64_t user_id = 0;
  std::string name;
  auth::Role role = auth::Role::kPublic;
  int64_t staff_id = 0;
  bool staff_is_officer = false;    // an enforcement officer with a certificate (not auxiliary)
  bool legal_qualified = false;     // holds the legal review qualification (APL Art. 58)
};

// A staff row as the rules need it (for officers named in input).
struct StaffFacts {
  int64_t id = 0;
  bool exists = false;
  bool officer = false;  // kind officer, active, with an enforcement certificate (badge)
};

// Input of a step; which fields matter depends on the action.
struct StepInput {
  std::string note;
  std::string penalty;  // warning | fine
  std::optional<int64_t> fine_fen;
  std::string facts;
  std::optional<bool> approved;     // complete_review
  std::optional<bool> corrected;    // correction_result
  int64_t deadline_ms = 0;          // order_correction, defer_payment (new due)
  int64_t hearing_at_ms = 0;        // schedule_hearing
  StaffFacts chair;                 // schedule_hearing
  int days = 0;                     // extend
  std::string approver;             // extend, register_evidence
  std::string method;               // serve: direct | electronic | post | public
  int64_t amount_fen = 0;           // pay
  int instalments = 0;              // defer_payment
  StaffFacts staff_out, staff_in;   // recuse
  std::vector<int64_t> item_ids;    // register_evidence: field evidence items of this case (checked by the service)
};

// What the service stores besides the record: the step row and a note for
// the audit detail. A decision number is drawn by the service when
// needs_decision_number is set.
struct StepOutcome {
  std::string from_state, to_state;
  std::string note;
  bool needs_decision_number = false;
};

enum class Who {
  kCaseOfficer,        // an officer of this case (certificate holder)
  kCaseOfficerOrAux,   // the same, or auxiliary staff (receiving applications, serving documents: Art. 30)
  kLeader,             // the bureau's head (行政机关负责人)
  kReviewer,           // legal reviewer
};

struct ActionRule {
  std::string_view action;
  std::vector<std::string_view> from;  // states in which it may be taken
  Who who;
  std::string_view article;            // why it may only be taken there (quoted in the 409)
  std::string_view label_zh;
};
// The transition table (docs/architecture.md prints it).
const std::vector<ActionRule>& ActionTable();
const ActionRule* FindAction(std::string_view action);

// A window that runs for the party, not for the bureau (the 5 working days to
// ask for a hearing): its passing is no delay of the bureau's, so it is never
// "overdue", takes no part in next_due_ms and is not announced by the sweep.
bool IsPartyWindow(std::string_view kind);

// States that end a case's work (no clocks run).
bool IsTerminal(std::string_view state);
std::string_view StateLabel(std::string_view state);

// Checks the actor may take `rule` on `record` (403 with the reason).
Status CheckActor(const ActionRule& rule, const CaseRecord& record, const Actor& actor);

// Actions `actor` can take on `record` now (state and role; the finer legal
// checks still apply when taken).
std::vector<std::string> AvailableActions(const CaseRecord& record, const Actor& actor);

// Validates a new general-procedure case (two certificate-holding officers,
// APL Art. 42) and sets state filing with its clocks.
Status OpenGeneral(CaseRecord& record, const Actor& actor, const StaffFacts& officer1, const StaffFacts& officer2,
                   int64_t now_ms);
// Validates and decides a summary case on the spot (APL Arts. 51, 52, 68).
// paid_cash: the fine was paid in cash on the spot.
Status DecideSummary(CaseRecord& record, const Actor& actor, const StaffFacts& officer1, const StaffFacts& officer2,
                     bool paid_cash, int64_t now_ms, const WorkingCalendar& calendar);

// Applies one step of the general procedure (or closing/archiving of either).
Result<StepOutcome> Apply(CaseRecord& record, std::string_view action, const StepInput& input, const Actor& actor,
                          int64_t now_ms, const WorkingCalendar& calendar, const HearingThresholds& hearing = {});

// Late-payment surcharge at `now_ms` (APL Art. 72): 3% of the fine for each
// day after the payment deadline, at most the fine itself.
int64_t LateSurchargeFen(int64_t fine_fen, int64_t payment_due_ms, int64_t now_ms);

// "张*明", "桐乡市****有限公司": what the public verification page shows.
std::string MaskPartyName(std::string_view name, std::string_view party_kind);

}  // namespace sl::cases
