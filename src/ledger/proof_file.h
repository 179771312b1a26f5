// C2SP tlog-proof (".tlog-proof"): an offline proof that an entry is in a log.
//
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]
//   index <n>
//   <base64 inclusion hash>      one per line, innermost first
//   <blank line>
//   <signed checkpoint, with any cosignatures>
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/log_store.h"
#include "ledger/merkle.h"

namespace sl::ledger {

struct TlogProof {
  std::optional<std::string> extra;  // decoded bytes
  uint64_t index = 0;
  std::vector<Hash> hashes;
  std::string checkpoint;  // the signed note, verbatim

  std::string Format() const;
};

// kBadRequest naming the defect.
Result<TlogProof> ParseTlogProof(std::string_view text);

// The proof of entry `index` against `checkpoint_note` (a checkpoint this log
// signed, possibly with cosignatures), or the log's current checkpoint when
// empty. kNotFound when the entry is not in that tree.
Result<TlogProof> ProveEntry(const LogStore& log, uint64_t index, std::string checkpoint_note = {});

}  // namespace sl::ledger
