#include "net/static_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <ctime>

namespace sl::net {
namespace fs = std::filesystem;

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !CaseInsensitiveLess{}(a, b) && !CaseInsensitiveLess{}(b, a);
}

bool ParseUint(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsRegularFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// True when an If-None-Match list ("a", W/"b", *) names `etag`. Weak
// comparison, as RFC 9110 prescribes for If-None-Match.
bool EtagListMatches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = TrimSpaces(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (item == "*") return true;
    if (item.substr(0, 2) == "W/") item.remove_prefix(2);
    if (item == etag) return true;
  }
  return false;
}

}  // namespace

std::string_view ContentTypeForPath(std::string_view file_name) {
  struct Entry {
    std::string_view ext;
    std::string_view type;
  };
  static constexpr Entry kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"geojson", "application/geo+json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"ttf", "font/ttf"},
      {"wasm", "application/wasm"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"pdf", "application/pdf"},
      {"pmtiles", "application/vnd.pmtiles"},
      {"m3u8", "application/vnd.apple.mpegurl"},
      {"ts", "video/mp2t"},
      {"mp4", "video/mp4"},
  };
  const auto slash = file_name.find_last_of('/');
  const std::string_view base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  if (dot != std::string_view::npos) {
    const std::string_view ext = base.substr(dot + 1);
    for (const Entry& e : kTypes) {
      if (EqualsIgnoreCase(e.ext, ext)) return e.type;
    }
  }
  return "application/octet-stream";
}

RangeResult ParseRange(std::string_view header, uint64_t size, ByteRange& out) {
  header = TrimSpaces(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.size() < kUnit.size() || !EqualsIgnoreCase(header.substr(0, kUnit.size()), kUnit)) {
    return RangeResult::kIgnore;
  }
  std::string_view spec = TrimSpaces(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return RangeResult::kIgnore;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeResult::kIgnore;
  const std::string_view first_text = TrimSpaces(spec.substr(0, dash));
  const std::string_view last_text = TrimSpaces(spec.substr(dash + 1));

  if (first_text.empty()) {  // suffix range: the last n bytes
    uint64_t n = 0;
    if (!ParseUint(last_text, n)) return RangeResult::kIgnore;
    if (n == 0 || size == 0) return RangeResult::kUnsatisfiable;
    out.first = n >= size ? 0 : size - n;
    out.last = size - 1;
    return RangeResult::kSatisfiable;
  }
  uint64_t first = 0;
  if (!ParseUint(first_text, first)) return RangeResult::kIgnore;
  uint64_t last = UINT64_MAX;
  if (!last_text.empty()) {
    if (!ParseUint(last_text, last)) return RangeResult::kIgnore;
    if (last < first) return RangeResult::kIgnore;  // syntactically invalid: ignore per RFC 9110 §14.1.1
  }
  if (first >= size) return RangeResult::kUnsatisfiable;
  out.first = first;
  out.last = std::min(last, size - 1);
  return RangeResult::kSatisfiable;
}

std::string HttpDate(int64_t unix_seconds) {
  // Formatted by hand: strftime's %a/%b follow the process locale.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Result<StaticFiles> StaticFiles::Open(const std::string& web_root) {
  std::error_code ec;
  fs::path root = fs::canonical(web_root, ec);
  if (ec) return Error::Internal("web root '" + web_root + "' is not usable: " + ec.message());
  if (!fs::is_directory(root, ec)) return Error::Internal("web root '" + web_root + "' is not a directory");
  if (::access(root.c_str(), R_OK | X_OK) != 0) {
    return Error::Internal("web root '" + web_root + "' is not readable");
  }
  return StaticFiles(std::move(root));
}

bool StaticFiles::UnderRoot(const fs::path& canonical) const {
  // Component-wise prefix: "/srv/web2" is not under "/srv/web".
  auto [root_it, path_it] = std::mismatch(root_.begin(), root_.end(), canonical.begin(), canonical.end());
  return root_it == root_.end();
}

std::optional<fs::path> StaticFiles::Resolve(std::string_view decoded_path) const {
  if (decoded_path.empty() || decoded_path.front() != '/') return std::nullopt;
  if (decoded_path.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) return std::nullopt;

  // Reject dot segments outright instead of normalising them: a request
  // that needs ".." is never a legitimate asset URL, and refusing it keeps
  // the check independent of how the file system resolves names.
  std::string_view rest = decoded_path.substr(1);
  bool first_segment = true;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (!seg.empty() && seg.front() == '.' && !(first_segment && seg == ".well-known")) return std::nullopt;
    first_segment = false;
  }

  std::error_code ec;
  const fs::path candidate = root_ / fs::path(decoded_path.substr(1));
  fs::path resolved = fs::weakly_canonical(candidate, ec);
  if (ec || !UnderRoot(resolved)) return std::nullopt;

  if (fs::is_directory(resolved, ec)) {
    resolved /= "index.html";
  } else if (!fs::exists(resolved, ec) && !resolved.has_extension()) {
    resolved += ".html";
  }
  // Canonicalise again: index.html or x.html could themselves be symlinks.
  resolved = fs::weakly_canonical(resolved, ec);
  if (ec || !UnderRoot(resolved) || !IsRegularFile(resolved)) return std::nullopt;
  return resolved;
}

StaticReply StaticFiles::Serve(const Request& request) const {
  StaticReply reply;
  // Replaces status, Content-Type and body with a JSON error; other headers stay.
  auto fail = [&reply](int status, std::string_view code, std::string_view message) {
    Response r = ErrorResponse(status, code, message);
    reply.status = r.status;
    reply.headers.insert_or_assign("Content-Type", r.headers["Content-Type"]);
    reply.body = std::move(r.body);
  };
  const bool head = request.method == "HEAD";
  if (request.method != "GET" && !head) {
    reply.headers.emplace("Allow", "GET, HEAD");
    fail(405, "method_not_allowed", "static files accept GET and HEAD only");
    return reply;
  }
  const auto path = Resolve(request.path);
  if (!path) {
    fail(404, "not_found", "no such file: " + request.path);
    return reply;
  }

  UniqueFd fd(::open(path->c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  // fstat on the opened descriptor: the file we describe is the file we send.
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    fail(404, "not_found", "no such file: " + request.path);
    return reply;
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const int64_t mtime_ns = int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;

  char etag_buf[48];
  std::snprintf(etag_buf, sizeof etag_buf, "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns));
  const std::string etag = etag_buf;
  const std::string last_modified = HttpDate(st.st_mtim.tv_sec);

  // Vite puts content-hashed bundles under /assets/: they never change, so
  // browsers may keep them for a year. Everything else (HTML entry points,
  // data files) must be revalidated, which the ETag makes cheap.
  const bool immutable = request.path.rfind("/assets/", 0) == 0;
  reply.headers.emplace("Content-Type", std::string(ContentTypeForPath(path->native())));
  reply.headers.emplace("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  reply.headers.emplace("ETag", etag);
  reply.headers.emplace("Last-Modified", last_modified);
  reply.headers.emplace("Accept-Ranges", "bytes");

  const std::string_view if_none_match = request.header("If-None-Match");
  const bool not_modified = !if_none_match.empty() ? EtagListMatches(if_none_match, etag)
                                                   : request.header("If-Modified-Since") == last_modified;
  if (not_modified) {
    reply.status = 304;
    return reply;
  }

  reply.status = 200;
  reply.offset = 0;
  reply.length = size;
  const std::string_view range = request.header("Range");
  const std::string_view if_range = request.header("If-Range");
  // If-Range: only honour Range when the client's copy is still current.
  if (!range.empty() && (if_range.empty() || if_range == etag || if_range == last_modified)) {
    ByteRange r;
    switch (ParseRange(range, size, r)) {
      case RangeResult::kIgnore:
        break;
      case RangeResult::kSatisfiable:
        reply.status = 206;
        reply.offset = r.first;
        reply.length = r.last - r.first + 1;
        reply.headers.emplace("Content-Range", "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) +
                                                   "/" + std::to_string(size));
        break;
      case RangeResult::kUnsatisfiable: {
        reply.headers.erase("Cache-Control");
        fail(416, "range_not_satisfiable", "requested range is outside the file");
        reply.headers.emplace("Content-Range", "bytes */" + std::to_string(size));
        reply.length = 0;
        return reply;
      }
    }
  }
  if (!head) reply.file = std::move(fd);
  return reply;
}

}  // namespace sl::net
