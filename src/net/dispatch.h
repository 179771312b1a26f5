// Dispatch: from a parsed request to what must be written back.
//
// Internal to src/net and free of Beast. The session fills method, target,
// headers, body and client address; Dispatch parses the target, routes, runs
// the handler (catching anything it throws) or picks a static file.
#pragma once

#include "net/http.h"
#include "net/router.h"
#include "net/static_files.h"

namespace sl::net {

enum class ReplyKind {
  kResponse,  // write `response` (which may be an event stream)
  kFile,      // write `file`
  kWorker,    // run `deferred` with InvokeHandler on the worker pool, then write its response
};

// Never throws. `static_files` may be null (no web root). Errors follow the
// project's JSON error shape: 400 malformed target, 404 unknown /api/ path
// (or any path without a web root), 405 with Allow, 500 when the handler
// throws or returns an impossible status (logged to stderr). HEAD on a route
// that only has GET runs the GET handler; the session drops the body.
// A route registered with Execution::kWorker is not run here: Dispatch
// returns kWorker with `deferred` set, and the caller runs InvokeHandler
// where it likes.
ReplyKind Dispatch(const Router& router, const StaticFiles* static_files, Request& request,
                   Response& response, StaticReply& file, const Handler** deferred = nullptr);

// Runs `handler` with the same guarantees as Dispatch (never throws; an
// exception or an impossible status becomes a logged 500).
Response InvokeHandler(const Handler& handler, Request& request);

// Writes one line to stderr ("sightline net: ..."); used for failures that
// have no client to report to (handler exceptions, accept errors).
void LogNetError(std::string_view message);

}  // namespace sl::net
