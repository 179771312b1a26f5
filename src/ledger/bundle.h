// Verification bundles: what a court, procuratorate or police partner gets to
// check evidence offline (docs/verification.md describes the format for them).
//
//   BUNDLE/bundle.json   {"format":"sightline-bundle/v1","title":...,
//                         "items":[{"name":...,"entry":"items/<name>.entry",
//                                   "proof":"items/<name>.tlog-proof"}]}
//   BUNDLE/policy        trust policy (ledger/policy.h): log key, witnesses, quorum
//   BUNDLE/items/...     each log entry, byte for byte, and its .tlog-proof
//   BUNDLE/<files>       files a JSON entry lists as
//                        "files":[{"path":"files/x.jpg","sha256":"<hex>"}]
//
// VerifyBundle needs no network. It checks, for every item: the checkpoint
// is signed by the policy's log key and cosigned to the quorum, the entry is
// included in that checkpoint's tree (RFC 9162 inclusion proof), and every
// listed file present in the bundle has the sealed SHA-256 (a listed file
// that is absent is reported as "hash only", not as a failure). Paths are
// confined to the bundle directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "ledger/proof_file.h"

namespace sl::ledger {

struct BundleItem {
  std::string name;   // [A-Za-z0-9._-]+
  std::string entry;  // the exact log entry
  TlogProof proof;
};
struct BundleFile {
  std::string path;  // relative, inside the bundle
  std::string content;
};

Status WriteBundle(const std::string& dir, const std::string& title, const std::string& policy,
                   const std::vector<BundleItem>& items, const std::vector<BundleFile>& files);

struct BundleCheck {
  std::string subject;  // "bundle", "policy", "item <name>", "file <path>"
  std::string check;    // "format", "signature", "quorum", "inclusion", "sha256", ...
  bool ok = false;
  std::string detail;
};

struct BundleReport {
  std::vector<BundleCheck> checks;
  std::vector<std::string> notes;  // informational (trust source, hash-only files)
  bool ok() const;
  size_t failures() const;
  std::string Text() const;
  std::string Json() const;
};

// `policy_override`: the partner's own copy of the policy; when absent the
// bundle's policy is used and a note says so.
BundleReport VerifyBundle(const std::string& dir, const std::optional<std::string>& policy_override);

}  // namespace sl::ledger
