// Trust policy (C2SP tlog-policy, in the line format Sigsum policies use):
//
//   # comment
//   log <vkey> [url]
//   witness <name> <vkey> [url]
//   group <name> <k|any|all> <member>...     members: witnesses or earlier groups
//   quorum <name|none>
//
// A checkpoint satisfies the policy when a listed log signed it and the
// quorum is met by verified witness cosignatures. Without a quorum line the
// quorum is "none" (the log signature alone).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace sl::ledger {

struct Policy {
  std::vector<NoteVerifier> logs;
  std::map<std::string, NoteVerifier> witnesses;
  struct Group {
    size_t threshold = 0;
    std::vector<std::string> members;
  };
  std::map<std::string, Group> groups;
  std::string quorum = "none";

  // True when the named witness or group is satisfied by `cosigned`.
  bool Satisfied(const std::string& name, const std::set<std::string>& cosigned) const;
};

// kBadRequest naming the line number and what is wrong.
Result<Policy> ParsePolicy(std::string_view text);

// What checking a signed checkpoint against a policy found.
struct CheckpointCheck {
  Checkpoint checkpoint;
  std::string log;                      // the log key name that signed
  std::set<std::string> cosigned_by;    // witness names with a valid cosignature
  bool quorum_met = false;
};
// kForbidden when no listed log signed or a listed key's signature is bad;
// quorum_met tells whether the witnesses suffice (the caller reports it).
Result<CheckpointCheck> CheckCheckpoint(std::string_view signed_note, const Policy& policy);

}  // namespace sl::ledger
