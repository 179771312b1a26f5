#include "api/api_router.h"

#include <charconv>

#include "common/json.h"

namespace sl::api {

net::Response ErrorResponse(const Error& error) {
  boost::json::object inner;
  inner["code"] = ErrorCodeName(error.code);
  inner["message"] = error.message;
  inner["field"] = error.field;
  boost::json::object body;
  body["error"] = std::move(inner);
  net::Response response = net::Response::Json(ErrorCodeHttpStatus(error.code), json::Serialize(body));
  if (error.code == ErrorCode::kUnauthorized) response.headers["WWW-Authenticate"] = "Bearer";
  return response;
}

std::string BearerToken(const net::Request& request) {
  std::string_view value = request.header("Authorization");
  constexpr std::string_view kPrefix = "Bearer ";
  if (value.size() <= kPrefix.size()) return "";
  for (size_t i = 0; i < kPrefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(value[i])) != std::tolower(static_cast<unsigned char>(kPrefix[i])))
      return "";
  return std::string(value.substr(kPrefix.size()));
}

namespace {

// Resolves who is calling and whether the policy lets them do `action`.
Result<auth::Principal> Authorize(auth::AuthService& auth, net::Request& request, const std::string& action,
                                  const RouteOptions& options) {
  std::string token = BearerToken(request);
  if (token.empty() && options.token_in_query) token = request.query_param("access_token").value_or("");
  auth::Principal principal;
  principal.client = request.client_address;
  if (!token.empty()) {
    auto resolved = auth.Authenticate(token, request.client_address);
    if (resolved.ok()) {
      principal = std::move(resolved).value();
    } else if (action != "public") {
      return std::move(resolved).error();
    }
  } else if (action != "public") {
    return Error::Unauthorized("this route needs a bearer token: log in at POST /api/v1/auth/login");
  }
  if (!auth::Allowed(action, principal.role))
    return Error::Forbidden("role '" + std::string(auth::RoleName(principal.role)) + "' may not " + action);
  return principal;
}

}  // namespace

void ApiRouter::Raw(const std::string& method, const std::string& pattern, const std::string& action,
                    RawHandler handler, RouteOptions options) {
  router_.Add(method, pattern,
              // Captures the service, not `this`: an ApiRouter is a short-lived helper.
              [&auth = auth_, action, handler = std::move(handler), options](net::Request& request) -> net::Response {
                auto principal = Authorize(auth, request, action, options);
                if (!principal.ok()) return ErrorResponse(principal.error());
                auto result = handler(request, *principal);
                if (!result.ok()) return ErrorResponse(result.error());
                return std::move(result).value();
              },
              options.long_running ? net::Execution::kWorker : net::Execution::kInline);
}

void ApiRouter::Json(const std::string& method, const std::string& pattern, const std::string& action,
                     JsonHandler handler, RouteOptions options) {
  Raw(
      method, pattern, action,
      [handler = std::move(handler)](net::Request& request, const auth::Principal& who) -> Result<net::Response> {
        SL_ASSIGN_OR_RETURN(Reply reply, handler(request, who));
        return net::Response::Json(reply.status, std::move(reply.json));
      },
      options);
}

Result<std::optional<int64_t>> QueryInt(const net::Request& request, const std::string& name, int64_t min,
                                        int64_t max) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size())
    return Error::BadRequest("query parameter " + name + " must be an integer", name);
  if (value < min || value > max)
    return Error::BadRequest("query parameter " + name + " must be between " + std::to_string(min) + " and " +
                                 std::to_string(max),
                             name);
  return std::optional<int64_t>(value);
}

Result<Paging> QueryPaging(const net::Request& request, int default_limit, int max_limit) {
  Paging paging;
  SL_ASSIGN_OR_RETURN(auto limit, QueryInt(request, "limit", 1, max_limit));
  SL_ASSIGN_OR_RETURN(auto offset, QueryInt(request, "offset", 0, 1'000'000'000));
  paging.limit = static_cast<int>(limit.value_or(default_limit));
  paging.offset = static_cast<int>(offset.value_or(0));
  return paging;
}

Reply PageReply(const store::Page& page, const std::function<std::string(const store::Row&)>& item_json) {
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < page.rows.size(); ++i) {
    if (i) out += ',';
    out += item_json(page.rows[i]);
  }
  out += "],\"total\":" + std::to_string(page.total) + "}";
  return Reply::Ok(std::move(out));
}

Error ReferenceError(Error error, const std::string& field) {
  // SQLite says "FOREIGN KEY constraint failed"; PostgreSQL "... violates foreign key constraint ...".
  if (error.code == ErrorCode::kInternal && (error.message.find("FOREIGN KEY") != std::string::npos ||
                                             error.message.find("foreign key") != std::string::npos))
    return Error::BadRequest(field + " does not exist", field);
  return error;
}

Result<int64_t> PathId(const net::Request& request, const std::string& name) {
  auto it = request.params.find(name);
  int64_t value = 0;
  if (it != request.params.end()) {
    auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
    if (ec == std::errc() && ptr == it->second.data() + it->second.size() && value > 0) return value;
  }
  return Error::NotFound("no object with id '" + (it == request.params.end() ? std::string() : it->second) + "'");
}

}  // namespace sl::api
