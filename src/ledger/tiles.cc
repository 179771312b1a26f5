#include "ledger/tiles.h"

#include <charconv>

namespace sl::ledger {
namespace {

bool ParseDecimal(std::string_view s, uint64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size() && s.find_first_not_of("0123456789") == s.npos;
}

}  // namespace

std::string TileIndexPath(uint64_t index) {
  std::string digits = std::to_string(index);
  digits.insert(0, (3 - digits.size() % 3) % 3, '0');
  std::string out;
  for (size_t i = 0; i < digits.size(); i += 3) {
    if (i + 3 < digits.size()) out += "x";
    out += digits.substr(i, 3);
    if (i + 3 < digits.size()) out += "/";
  }
  return out;
}

std::string TileRef::Path() const {
  std::string out = "tile/" + (entries ? std::string("entries") : std::to_string(level)) + "/" + TileIndexPath(index);
  if (width < kTileWidth) out += ".p/" + std::to_string(width);
  return out;
}

Result<TileRef> ParseTilePath(std::string_view path) {
  auto bad = [&](const char* why) { return Error::BadRequest(std::string("bad tile path: ") + why, "path"); };
  std::vector<std::string_view> parts;
  for (std::string_view rest = path;;) {
    const size_t slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (parts.size() < 2) return bad("too short");
  TileRef ref;
  if (parts[0] == "entries") {
    ref.entries = true;
  } else {
    uint64_t level;
    if (!ParseDecimal(parts[0], level) || level > 63 || std::to_string(level) != parts[0]) return bad("level");
    ref.level = static_cast<int>(level);
  }
  size_t last = parts.size() - 1;
  if (parts[last - 1].size() > 2 && parts[last - 1].ends_with(".p")) {
    uint64_t width;
    if (!ParseDecimal(parts[last], width) || width == 0 || width >= kTileWidth ||
        std::to_string(width) != parts[last])
      return bad("partial width");
    ref.width = width;
    parts[last - 1].remove_suffix(2);
    --last;
  }
  std::string digits;
  for (size_t i = 1; i <= last; ++i) {
    std::string_view group = parts[i];
    if (i < last) {
      if (group.empty() || group[0] != 'x') return bad("index group without x");
      group.remove_prefix(1);
    }
    if (group.size() != 3 || group.find_first_not_of("0123456789") != group.npos) return bad("index group");
    digits += group;
  }
  if (digits.size() > 18) return bad("index too large");
  ParseDecimal(digits, ref.index);
  if (TileIndexPath(ref.index) != path.substr(path.find('/') + 1, TileIndexPath(ref.index).size()))
    return bad("index not canonical");
  return ref;
}

uint64_t TileWidthAt(int level, uint64_t index, uint64_t size) {
  const int height = level * kTileHeight;
  if (height >= 64) return 0;
  const uint64_t nodes = size >> height;
  if (nodes <= index * kTileWidth) return 0;
  const uint64_t w = nodes - index * kTileWidth;
  return w < kTileWidth ? w : kTileWidth;
}

Result<std::string> ReadTile(const NodeReader& reader, int level, uint64_t index, uint64_t width) {
  std::string out;
  out.reserve(width * 32);
  for (uint64_t i = 0; i < width; ++i) {
    SL_ASSIGN_OR_RETURN(Hash h, reader.Node(level * kTileHeight, index * kTileWidth + i));
    out.append(HashBytes(h));
  }
  return out;
}

void AppendBundleEntry(std::string& bundle, std::string_view entry) {
  bundle.push_back(static_cast<char>(entry.size() >> 8));
  bundle.push_back(static_cast<char>(entry.size() & 0xff));
  bundle.append(entry);
}

Result<std::vector<std::string>> ParseBundle(std::string_view bundle) {
  std::vector<std::string> out;
  while (!bundle.empty()) {
    if (bundle.size() < 2) return Error::BadRequest("entry bundle ends inside a length prefix");
    const size_t len = size_t(uint8_t(bundle[0])) << 8 | uint8_t(bundle[1]);
    if (bundle.size() < 2 + len) return Error::BadRequest("entry bundle ends inside an entry");
    out.emplace_back(bundle.substr(2, len));
    bundle.remove_prefix(2 + len);
  }
  return out;
}

}  // namespace sl::ledger
