// Router: maps (method, path pattern) to a handler.
//
// Patterns are literal segments and "{name}" parameters, e.g.
// "/api/v1/towns/{id}/grids". Matching is exact per segment; a parameter
// matches one non-empty segment. Literal segments win over parameters.
// Precisely: among the routes registered for the request's method whose
// pattern matches the path, the most specific wins (at the first segment where
// two patterns differ in kind, the literal one); equal patterns keep the first
// registration. kWrongMethod means the path matches only routes of other
// methods; `allowed` lists them in registration order (for the Allow header).
// A trailing slash is an empty segment: "/x/" does not match "/x".
// Thread-safety: routes are added before the server starts; Match is then
// safe from any number of threads.
#pragma once

#include <string>
#include <vector>

#include "net/http.h"

namespace sl::net {

// Where a route's handler runs. kInline: on the connection's I/O thread (the
// default; right for handlers that take a few milliseconds). kWorker: on the
// server's worker pool, for handlers that may take long (hashing gigabytes,
// building archives); the I/O threads keep serving other connections while
// it runs, and the connection waits for the handler without holding a thread.
enum class Execution { kInline, kWorker };

struct RouteInfo {
  std::string method;
  std::string pattern;
};

class Router {
 public:
  // `pattern` must start with '/' (std::invalid_argument otherwise: a
  // programming error caught at start-up).
  void Add(std::string method, std::string pattern, Handler handler, Execution execution = Execution::kInline);

  enum class MatchKind { kFound, kNoPath, kWrongMethod };
  struct Match {
    MatchKind kind = MatchKind::kNoPath;
    const Handler* handler = nullptr;      // set when kFound
    Execution execution = Execution::kInline;  // of the route found
    std::vector<std::string> allowed;      // methods on the path, when kWrongMethod
  };
  // Finds the route for `method` and `path`, filling `params` on success.
  Match Find(const std::string& method, const std::string& path,
             std::map<std::string, std::string>& params) const;

  // Every route added, in order (for the OpenAPI coverage test).
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    Execution execution = Execution::kInline;
  };
  std::vector<Route> routes_;
};

}  // namespace sl::net
