// ApiRouter: how feature modules add JSON routes under /api/v1.
//
// Every route names the action it performs (see auth/roles.h). Before the
// handler runs, the bearer token is resolved and the policy table consulted:
// no or bad token on a non-public route -> 401, a role the table does not list
// -> 403 (default deny). Handlers return Result<Reply>; an Error becomes the
// standard body {"error":{"code","message","field"}} with its HTTP status, so
// bad input never turns into a 500.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "auth/roles.h"
#include "common/result.h"
#include "net/router.h"
#include "store/page.h"

namespace sl::api {

struct Reply {
  int status = 200;
  std::string json;  // serialised JSON body
  static Reply Ok(std::string json) { return {200, std::move(json)}; }
  static Reply Created(std::string json) { return {201, std::move(json)}; }
};

using JsonHandler = std::function<Result<Reply>(net::Request&, const auth::Principal&)>;
using RawHandler = std::function<Result<net::Response>(net::Request&, const auth::Principal&)>;

struct RouteOptions {
  // Accept the token as ?access_token=... too. Only for GET routes that a
  // browser opens without headers (EventSource); never for writes.
  bool token_in_query = false;
  // Run on the server's worker pool instead of an I/O thread: for handlers
  // that may take seconds (hashing and sealing a large upload, building a
  // bundle), so they never stall other requests.
  bool long_running = false;
};

// A short-lived helper: the routes it adds keep references to `router`'s
// owner and to `auth`, never to the ApiRouter itself.
class ApiRouter {
 public:
  ApiRouter(net::Router& router, auth::AuthService& auth) : router_(router), auth_(auth) {}

  void Json(const std::string& method, const std::string& pattern, const std::string& action, JsonHandler handler,
            RouteOptions options = {});
  void Raw(const std::string& method, const std::string& pattern, const std::string& action, RawHandler handler,
           RouteOptions options = {});

 private:
  net::Router& router_;
  auth::AuthService& auth_;
};

// The standard error body and status for `error`.
net::Response ErrorResponse(const Error& error);
// Extracts the bearer token from the Authorization header ("" when absent).
std::string BearerToken(const net::Request& request);

// Query-parameter helpers that produce 400 errors naming the parameter.
Result<std::optional<int64_t>> QueryInt(const net::Request& request, const std::string& name, int64_t min,
                                        int64_t max);
// limit/offset paging with defaults and bounds.
struct Paging {
  int limit = 50;
  int offset = 0;
};
Result<Paging> QueryPaging(const net::Request& request, int default_limit = 50, int max_limit = 1000);
// {"items":[...],"total":N} from a page, each item rendered by `item_json`.
Reply PageReply(const store::Page& page, const std::function<std::string(const store::Row&)>& item_json);

// A write that failed on a foreign key becomes a 400 naming `field` (the
// reference that points nowhere); other errors pass through unchanged.
Error ReferenceError(Error error, const std::string& field);
// Route parameter "{id}" as a positive integer, else 404.
Result<int64_t> PathId(const net::Request& request, const std::string& name = "id");

}  // namespace sl::api
