// C2SP tlog-checkpoint: the body of a signed note that commits to a tree.
//
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n[<extension line>\n]*
//
// The origin names the log (schema-less URL); extension lines are opaque,
// non-empty, and preserved in order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/merkle.h"

namespace sl::ledger {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;

  std::string Format() const;
  bool operator==(const Checkpoint&) const = default;
};

// Parses a checkpoint body (the note text, without signatures). kBadRequest
// naming the line at fault.
Result<Checkpoint> ParseCheckpoint(std::string_view body);

}  // namespace sl::ledger
