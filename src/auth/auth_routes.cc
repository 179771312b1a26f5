#include "auth/auth_routes.h"

#include "auth/audit.h"
#include "common/json.h"
#include "common/time.h"

namespace sl::auth {

boost::json::object PrincipalJson(const Principal& p) {
  boost::json::object o;
  o["id"] = p.user_id;
  o["username"] = p.username;
  o["display_name"] = p.display_name;
  o["role"] = RoleName(p.role);
  o["department_id"] = p.department_id;
  o["department"] = p.department;
  return o;
}

namespace {

Result<api::Reply> HandleLogin(AuthService& auth, net::Request& request) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  SL_ASSIGN_OR_RETURN(std::string username, json::RequiredString(body, "username", 64));
  SL_ASSIGN_OR_RETURN(std::string password, json::RequiredString(body, "password", 256));
  SL_ASSIGN_OR_RETURN(LoginResult login, auth.Login(username, password, request.client_address));
  boost::json::object out;
  out["token"] = login.token;
  out["expires_at"] = FormatIso8601China(login.expires_at_ms);
  out["user"] = PrincipalJson(login.user);
  return api::Reply::Ok(json::Serialize(out));
}

Result<api::Reply> HandleCreateUser(AuthService& auth, net::Request& request, const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  NewUser user;
  SL_ASSIGN_OR_RETURN(user.username, json::RequiredString(body, "username", 64));
  SL_ASSIGN_OR_RETURN(auto display_name, json::OptionalString(body, "display_name", 128));
  user.display_name = display_name.value_or("");
  SL_ASSIGN_OR_RETURN(std::string role, json::RequiredString(body, "role", 32));
  auto parsed = ParseRole(role);
  if (!parsed || *parsed == Role::kPublic) return Error::BadRequest("unknown role '" + role + "'", "role");
  user.role = *parsed;
  SL_ASSIGN_OR_RETURN(auto department_id, json::OptionalInt(body, "department_id"));
  user.department_id = department_id.value_or(0);
  SL_ASSIGN_OR_RETURN(auto staff_id, json::OptionalInt(body, "staff_id"));
  user.staff_id = staff_id.value_or(0);
  SL_ASSIGN_OR_RETURN(user.password, json::RequiredString(body, "password", 256));
  auto id = auth.CreateUser(user, who);
  if (!id.ok()) {
    Error error = std::move(id).error();
    if (error.code == ErrorCode::kConflict) return Error::Conflict("username is taken", "username");
    return api::ReferenceError(std::move(error), "department_id");
  }
  boost::json::object out;
  out["id"] = *id;
  out["username"] = user.username;
  out["role"] = role;
  return api::Reply::Created(json::Serialize(out));
}

Result<api::Reply> HandleListUsers(store::Database& db, net::Request& request) {
  SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(store::Page page,
                      store::QueryPage(*lease,
                                       "u.id, u.username, u.display_name, u.role, u.department_id, "
                                       "COALESCE(d.name, '') AS department, u.disabled, u.created_at",
                                       "users u LEFT JOIN departments d ON d.id = u.department_id", store::Filter(),
                                       "u.id", paging.limit, paging.offset));
  return api::PageReply(page, [](const store::Row& r) {
    boost::json::object o;
    o["id"] = r.i64("id");
    o["username"] = r.str("username");
    o["display_name"] = r.str("display_name");
    o["role"] = r.str("role");
    o["department_id"] = r.i64("department_id");
    o["department"] = r.str("department");
    o["disabled"] = r.i64("disabled") != 0;
    o["created_at"] = FormatIso8601China(r.i64("created_at"));
    return json::Serialize(o);
  });
}

Result<std::optional<int64_t>> QueryTime(const net::Request& request, const std::string& name) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  auto ms = ParseIso8601(*text);
  if (!ms) return Error::BadRequest(name + " must be an ISO 8601 time such as 2026-01-31T08:00:00+08:00", name);
  return std::optional<int64_t>(*ms);
}

Result<api::Reply> HandleAudit(store::Database& db, net::Request& request) {
  AuditQuery query;
  SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
  query.limit = paging.limit;
  query.offset = paging.offset;
  query.actor = request.query_param("actor");
  query.action = request.query_param("action");
  query.object_type = request.query_param("object_type");
  SL_ASSIGN_OR_RETURN(query.since_ms, QueryTime(request, "since"));
  SL_ASSIGN_OR_RETURN(query.until_ms, QueryTime(request, "until"));
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(AuditPage page, QueryAudit(*lease, query));
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < page.items.size(); ++i) out += (i ? "," : "") + AuditEntryJson(page.items[i]);
  out += "],\"total\":" + std::to_string(page.total) + "}";
  return api::Reply::Ok(std::move(out));
}

}  // namespace

void RegisterAuthRoutes(api::ApiRouter& api, AuthService& auth, store::Database& db) {
  api.Json("POST", "/api/v1/auth/login", "public",
           [&auth](net::Request& request, const Principal&) { return HandleLogin(auth, request); });
  api.Json("POST", "/api/v1/auth/logout", "session", [&auth](net::Request& request, const Principal& who) -> Result<api::Reply> {
    SL_TRY(auth.Logout(api::BearerToken(request), who));
    return api::Reply::Ok("{\"ok\":true}");
  });
  api.Json("GET", "/api/v1/me", "session", [](net::Request&, const Principal& who) -> Result<api::Reply> {
    return api::Reply::Ok(json::Serialize(PrincipalJson(who)));
  });
  api.Json("GET", "/api/v1/users", "users.read",
           [&db](net::Request& request, const Principal&) { return HandleListUsers(db, request); });
  api.Json("POST", "/api/v1/users", "users.write", [&auth](net::Request& request, const Principal& who) {
    return HandleCreateUser(auth, request, who);
  });
  api.Json("GET", "/api/v1/audit", "audit.read",
           [&db](net::Request& request, const Principal&) { return HandleAudit(db, request); });
}

}  // namespace sl::auth
