// Writes the planned demo city into the database (internal to src/demo).
// Every function runs inside the caller's transaction, inserts in plan order
// and returns the new rows' ids in that order (looked up by their unique
// codes, so nothing depends on RETURNING or on id arithmetic).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "demo/geography.h"
#include "demo/people.h"
#include "demo/subjects.h"
#include "demo/users.h"
#include "store/db.h"

namespace sl::demo {

Result<std::vector<int64_t>> LoadTowns(store::Connection& conn, const Geography& geography);
Result<std::vector<int64_t>> LoadGrids(store::Connection& conn, const Geography& geography,
                                       const std::vector<int64_t>& town_ids);
Result<std::vector<int64_t>> LoadDepartments(store::Connection& conn, const Organisation& org,
                                             const std::vector<int64_t>& town_ids);
Result<std::vector<int64_t>> LoadStaff(store::Connection& conn, const Organisation& org,
                                       const std::vector<int64_t>& department_ids,
                                       const std::vector<int64_t>& town_ids, int64_t now_ms);
Status LoadDevices(store::Connection& conn, const Organisation& org, const std::vector<int64_t>& staff_ids,
                   const std::vector<int64_t>& department_ids, int64_t now_ms);
Status LoadSubjects(store::Connection& conn, const std::vector<SubjectPlan>& subjects,
                    const std::vector<int64_t>& town_ids, const std::vector<int64_t>& grid_ids, int64_t now_ms);
// `password_hashes` parallels `users`.
Status LoadUsers(store::Connection& conn, const std::vector<UserPlan>& users,
                 const std::vector<std::string>& password_hashes, const std::vector<int64_t>& department_ids,
                 const std::vector<int64_t>& staff_ids, int64_t now_ms);

}  // namespace sl::demo
