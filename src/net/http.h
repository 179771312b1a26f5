// Plain HTTP request/response types shared by the network edge and the
// handlers. Nothing here includes Beast or Asio: feature code sees only these
// structs, so it compiles fast and can be tested without sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sl::net {

// Header names compare case-insensitively (RFC 9110 §5.1).
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
  using is_transparent = void;
};
using Headers = std::map<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;   // "GET", "POST", ... (upper case)
  std::string target;   // raw request target, e.g. "/api/v1/x?a=1"
  std::string path;     // percent-decoded path without the query
  std::map<std::string, std::string> query;   // decoded query parameters (last one wins)
  Headers headers;
  std::string body;
  std::string client_address;                 // peer IP as text ("127.0.0.1", "::1")
  std::map<std::string, std::string> params;  // route parameters filled by the Router ("{id}")

  // Returns the header value or "" when absent.
  std::string_view header(std::string_view name) const;
  // Returns the query parameter or nullopt.
  std::optional<std::string> query_param(const std::string& name) const;
};

// A server-sent-events stream. The network layer calls `open` once the
// response headers are written, passing `push`, which is safe to call from any
// thread and queues one already-formatted SSE chunk ("event: x\ndata: ...\n\n").
// `open` returns a closer that the network layer calls exactly once when the
// client goes away or the server shuts down; after it returns, `push` must no
// longer be called by the source. The network layer adds keep-alive comments.
// `push` never blocks: it only queues (it may be called from inside `open`,
// e.g. to replay a backlog). A client with more than 1000 chunks queued and
// unsent is too slow and is dropped (its closer runs); further pushes are
// discarded.
struct EventStream {
  using Push = std::function<void(std::string chunk)>;
  using Closer = std::function<void()>;
  std::function<Closer(Push push)> open;
};

struct Response {
  int status = 200;
  Headers headers;  // Content-Type etc.; Content-Length is set by the network layer
  std::string body;
  // When set, the response is a long-lived text/event-stream and `body` is ignored.
  std::shared_ptr<EventStream> stream;

  static Response Json(int status, std::string json_body);
  static Response Text(int status, std::string text, std::string content_type = "text/plain; charset=utf-8");
};

// The project's error body: HTTP `status` with
// {"error":{"code":"<code>","message":"<message>","field":"<field>"}}.
// Strings are JSON-escaped here, so callers pass plain text.
Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view field = {});

// Appends `text` to `out` escaped for use inside a JSON string literal
// (quotes, backslashes and control characters; UTF-8 passes through).
void AppendJsonEscaped(std::string& out, std::string_view text);

// Handlers run on the server's I/O threads; they must not block for long
// (database calls of a few milliseconds are fine on this design, see
// docs/architecture.md). They must be thread-safe: several requests may run
// the same handler at once.
using Handler = std::function<Response(Request&)>;

// Percent-decodes `in` ("%2e" -> "."). Returns nullopt on a malformed escape.
// When `plus_as_space` is true, '+' decodes to ' ' (query strings).
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space = false);

// Splits a raw target into decoded path and query map. Returns nullopt when
// the target is malformed (bad escape, not origin-form, embedded NUL).
struct ParsedTarget {
  std::string path;
  std::map<std::string, std::string> query;
};
std::optional<ParsedTarget> ParseTarget(std::string_view target);

}  // namespace sl::net
