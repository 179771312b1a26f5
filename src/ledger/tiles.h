// C2SP tlog-tiles: tile and entry-bundle paths and contents.
//
// A tile at level L, index N holds up to 256 consecutive node hashes of tree
// height 8L (level 0 = leaf hashes), nodes [256N, 256N + W). A full tile has
// W = 256 and path "tile/L/N"; a partial one "tile/L/N.p/W" (1 <= W < 256).
// N is written in groups of three digits, each but the last prefixed by 'x':
// 1234067 -> "x001/x234/067". Entry bundles hold the entries of level-0 tile N
// at "tile/entries/N[.p/W]", each entry prefixed by its big-endian uint16
// length (so an entry is at most 65535 bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/merkle.h"

namespace sl::ledger {

inline constexpr uint64_t kTileWidth = 256;
inline constexpr int kTileHeight = 8;
inline constexpr size_t kMaxEntryBytes = 65535;

std::string TileIndexPath(uint64_t index);

struct TileRef {
  bool entries = false;  // an entry bundle rather than a hash tile
  int level = 0;
  uint64_t index = 0;
  uint64_t width = kTileWidth;
  std::string Path() const;  // "tile/..." (no prefix)
};

// Parses the part after "tile/" ("0/x001/234.p/7", "entries/000"). Only the
// canonical spelling is accepted (no leading zeros beyond the 3-digit groups,
// widths 1..255 after ".p").
Result<TileRef> ParseTilePath(std::string_view path);

// Width of the tile (level, index) in a tree of `size` leaves, 0 when the
// tile has no complete node yet.
uint64_t TileWidthAt(int level, uint64_t index, uint64_t size);

// The 32*W bytes of a hash tile read from `reader`.
Result<std::string> ReadTile(const NodeReader& reader, int level, uint64_t index, uint64_t width);

void AppendBundleEntry(std::string& bundle, std::string_view entry);
// Splits an entry bundle; kBadRequest when a length runs past the end.
Result<std::vector<std::string>> ParseBundle(std::string_view bundle);

}  // namespace sl::ledger
