// `sightline bundle`: builds a verification bundle for partner departments
// from a running server's public ledger routes, then checks it.
//
//   sightline bundle --server http://127.0.0.1:8080 --index 37 [--index 38]
//       [--file files/photo.jpg=/evidence/photo.jpg ...] --policy bureau.policy
//       --out case-E-2026-0001 [--title "case E-2026-0001"]
//
// For each index it fetches the .tlog-proof (/ledger/proof/N, against the
// published cosigned checkpoint) and the entry itself (from its entry
// bundle), checks the entry is in the signed tree, copies the given files
// into the bundle, writes the policy, and runs the same verification as
// `sightline verify` on the result. Exit 0 only when the bundle verifies.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace sl::ledger {

struct BundleCommand {
  std::string server;                  // base URL, http://host:port
  std::vector<uint64_t> indexes;
  std::vector<std::string> files;      // "<path in bundle>=<local file>"
  std::string policy_file;
  std::string out;
  std::string title = "evidence bundle";
};

int RunBundle(const BundleCommand& command, std::FILE* out);

}  // namespace sl::ledger
