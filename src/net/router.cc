#include "net/router.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace sl::net {
namespace {

// Splits "/a/b/c" into {"a","b","c"}; "/" gives {""} and "/a/" gives
// {"a",""}, so a trailing slash is a distinct (empty) segment and "/x/" never
// matches "/x". The views point into `path`.
template <class Out>
void SplitPath(std::string_view path, Out&& emit) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    emit(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
}

bool IsParam(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Most paths have a handful of segments; keep them on the stack.
class Segments {
 public:
  explicit Segments(std::string_view path) {
    SplitPath(path, [this](std::string_view s) {
      if (size_ < inline_.size()) {
        inline_[size_] = s;
      } else {
        if (overflow_.empty()) overflow_.assign(inline_.begin(), inline_.end());
        overflow_.push_back(s);
      }
      ++size_;
    });
  }
  std::size_t size() const { return size_; }
  std::string_view operator[](std::size_t i) const { return overflow_.empty() ? inline_[i] : overflow_[i]; }

 private:
  std::array<std::string_view, 16> inline_{};
  std::vector<std::string_view> overflow_;
  std::size_t size_ = 0;
};

// True when `route` (pattern segments) matches `path`: literals compare
// exactly, a parameter takes one non-empty segment.
bool Matches(const std::vector<std::string>& route, const Segments& path) {
  if (route.size() != path.size()) return false;
  for (std::size_t i = 0; i < route.size(); ++i) {
    if (IsParam(route[i])) {
      if (path[i].empty()) return false;
    } else if (route[i] != path[i]) {
      return false;
    }
  }
  return true;
}

// True when `a` is more specific than `b` (both matched the same path): at
// the first position where they differ in kind, the literal wins.
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool pa = IsParam(a[i]);
    const bool pb = IsParam(b[i]);
    if (pa != pb) return !pa;
  }
  return false;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler, Execution execution) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  Route route;
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  SplitPath(route.pattern, [&route](std::string_view s) { route.segments.emplace_back(s); });
  route.handler = std::move(handler);
  route.execution = execution;
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params) const {
  Match match;
  if (path.empty() || path.front() != '/') return match;  // not a path: kNoPath
  const Segments segments(path);
  const Route* best = nullptr;
  for (const Route& route : routes_) {
    if (!Matches(route.segments, segments)) continue;
    if (route.method == method) {
      // Equal specificity keeps the first registration.
      if (best == nullptr || MoreSpecific(route.segments, best->segments)) best = &route;
    } else if (best == nullptr &&
               std::find(match.allowed.begin(), match.allowed.end(), route.method) == match.allowed.end()) {
      match.allowed.push_back(route.method);
    }
  }
  if (best != nullptr) {
    params.clear();
    for (std::size_t i = 0; i < best->segments.size(); ++i) {
      const std::string& seg = best->segments[i];
      if (IsParam(seg)) params[seg.substr(1, seg.size() - 2)] = std::string(segments[i]);
    }
    match.kind = MatchKind::kFound;
    match.handler = &best->handler;
    match.execution = best->execution;
    match.allowed.clear();
    return match;
  }
  match.kind = match.allowed.empty() ? MatchKind::kNoPath : MatchKind::kWrongMethod;
  return match;
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

}  // namespace sl::net
