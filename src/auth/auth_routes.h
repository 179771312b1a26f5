// HTTP routes of the auth module: login, logout, current user, user
// accounts and the audit log.
#pragma once

#include "api/api_router.h"
#include "common/json.h"
#include "auth/auth_service.h"
#include "store/db.h"

namespace sl::auth {

void RegisterAuthRoutes(api::ApiRouter& api, AuthService& auth, store::Database& db);

// JSON of a principal as returned by login and /me.
boost::json::object PrincipalJson(const Principal& p);

}  // namespace sl::auth
