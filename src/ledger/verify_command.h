// `sightline verify BUNDLE [--policy FILE] [--json]`: offline check of a
// verification bundle (no server, no network). Prints the report (text for a
// person, or JSON) to `out` and returns the exit status: 0 when every check
// holds, 1 when any fails, 2 when the command itself cannot run (the given
// policy file cannot be read).
#pragma once

#include <cstdio>
#include <string>

namespace sl::ledger {

int RunVerify(const std::string& bundle, const std::string& policy_file, bool json, std::FILE* out);

}  // namespace sl::ledger
