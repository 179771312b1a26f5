#include "ledger/verify_command.h"

#include <fstream>
#include <optional>

#include "ledger/bundle.h"

namespace sl::ledger {

int RunVerify(const std::string& bundle, const std::string& policy_file, bool json, std::FILE* out) {
  std::optional<std::string> policy;
  if (!policy_file.empty()) {
    std::ifstream in(policy_file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "sightline verify: cannot read policy file %s\n", policy_file.c_str());
      return 2;
    }
    policy = std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  const BundleReport report = VerifyBundle(bundle, policy);
  const std::string text = json ? report.Json() : "sightline verify " + bundle + "\n" + report.Text();
  std::fwrite(text.data(), 1, text.size(), out);
  return report.ok() ? 0 : 1;
}

}  // namespace sl::ledger
