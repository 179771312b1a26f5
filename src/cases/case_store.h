// Penalty case persistence over store::Connection (SQLite and PostgreSQL
// alike). Functions run on the caller's connection and inside the caller's
// transaction; they validate nothing (cases/rules.h does). Stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cases/rules.h"
#include "common/result.h"
#include "store/db.h"

namespace sl::cases {

struct StepRecord {
  int64_t id = 0;
  int64_t at = 0;
  std::string action, from_state, to_state;
  int64_t actor_id = 0;
  std::string actor, role, note;
};

// The case with its deadlines, or nullopt.
Result<std::optional<CaseRecord>> LoadCase(store::Connection& conn, int64_t id);
CaseRecord CaseFromRow(const store::Row& row);
Result<int64_t> InsertCase(store::Connection& conn, const CaseRecord& record);
// Many at once with one prepared statement (demo data, imports).
Status InsertCases(store::Connection& conn, const std::vector<CaseRecord>& records);
Status UpdateCase(store::Connection& conn, const CaseRecord& record);
// Replaces the case's deadline rows with record.deadlines.
Status SaveDeadlines(store::Connection& conn, const CaseRecord& record);
Status InsertStep(store::Connection& conn, int64_t case_id, const StepRecord& step);
Result<std::vector<StepRecord>> LoadSteps(store::Connection& conn, int64_t case_id);

// The next free number of a series in a year, e.g. ("桐综执立", 2026) →
// "桐综执立〔2026〕第00012号". Call inside the writing transaction.
Result<std::string> NextCaseNumber(store::Connection& conn, const std::string& prefix, int year);
Result<std::string> NextDecisionNumber(store::Connection& conn, int year);

// A staff row as the rules need it (exists=false when there is none).
Result<StaffFacts> LoadStaffFacts(store::Connection& conn, int64_t staff_id);

// Canonical JSON of a case (API body and audit digest). `now_ms` and
// `calendar` give each deadline its remaining working days and overdue flag.
std::string CaseJson(const CaseRecord& record, int64_t now_ms, const WorkingCalendar& calendar);
std::string DeadlineJson(const Deadline& deadline, int64_t now_ms, const WorkingCalendar& calendar);
std::string StepJson(const StepRecord& step);

// The China-time year of an instant.
int ChinaYear(int64_t epoch_ms);
// yyyymm of an instant in China time (202611).
int ChinaMonth(int64_t epoch_ms);

}  // namespace sl::cases
