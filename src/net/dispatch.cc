#include "net/dispatch.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>

namespace sl::net {
namespace {

bool IsApiPath(std::string_view path) { return path == "/api" || path.rfind("/api/", 0) == 0; }

}  // namespace

Response InvokeHandler(const Handler& handler, Request& request) {
  try {
    Response response = handler(request);
    // Interim (1xx) and out-of-range statuses cannot be written as a final
    // response; treat them as the handler bug they are.
    if (response.status < 200 || response.status > 599) {
      LogNetError("handler for " + request.method + " " + request.path + " returned invalid status " +
                  std::to_string(response.status));
      return ErrorResponse(500, "internal", "internal server error");
    }
    return response;
  } catch (const std::exception& e) {
    LogNetError("handler for " + request.method + " " + request.path + " threw: " + e.what());
  } catch (...) {
    LogNetError("handler for " + request.method + " " + request.path + " threw a non-standard exception");
  }
  return ErrorResponse(500, "internal", "internal server error");
}

void LogNetError(std::string_view message) {
  // One fprintf call so concurrent lines do not interleave.
  std::fprintf(stderr, "sightline net: %.*s\n", static_cast<int>(message.size()), message.data());
}

ReplyKind Dispatch(const Router& router, const StaticFiles* static_files, Request& request,
                   Response& response, StaticReply& file, const Handler** deferred) {
  auto target = ParseTarget(request.target);
  if (!target) {
    response = ErrorResponse(400, "bad_request", "malformed request target", "target");
    return ReplyKind::kResponse;
  }
  request.path = std::move(target->path);
  request.query = std::move(target->query);

  auto match = router.Find(request.method, request.path, request.params);
  if (match.kind == Router::MatchKind::kWrongMethod && request.method == "HEAD" &&
      std::find(match.allowed.begin(), match.allowed.end(), "GET") != match.allowed.end()) {
    // HEAD is GET without the body (RFC 9110 §9.3.2).
    match = router.Find("GET", request.path, request.params);
  }
  switch (match.kind) {
    case Router::MatchKind::kFound:
      if (match.execution == Execution::kWorker && deferred != nullptr) {
        *deferred = match.handler;
        return ReplyKind::kWorker;
      }
      response = InvokeHandler(*match.handler, request);
      return ReplyKind::kResponse;
    case Router::MatchKind::kWrongMethod: {
      std::string allow;
      for (const std::string& m : match.allowed) {
        if (!allow.empty()) allow += ", ";
        allow += m;
      }
      if (std::find(match.allowed.begin(), match.allowed.end(), "GET") != match.allowed.end() &&
          std::find(match.allowed.begin(), match.allowed.end(), "HEAD") == match.allowed.end()) {
        allow += ", HEAD";
      }
      response = ErrorResponse(405, "method_not_allowed",
                               "method " + request.method + " is not allowed on " + request.path + " (allowed: " +
                                   allow + ")");
      response.headers.insert_or_assign("Allow", std::move(allow));
      return ReplyKind::kResponse;
    }
    case Router::MatchKind::kNoPath:
      break;
  }
  if (static_files == nullptr || IsApiPath(request.path)) {
    response = ErrorResponse(404, "not_found", "no route for " + request.method + " " + request.path);
    return ReplyKind::kResponse;
  }
  file = static_files->Serve(request);
  return ReplyKind::kFile;
}

}  // namespace sl::net
