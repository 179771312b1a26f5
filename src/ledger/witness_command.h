// `sightline witness --state DIR --name NAME --log VKEY [--log VKEY...]
//  [--http HOST:PORT]`: runs a C2SP tlog-witness until SIGTERM/SIGINT.
// Prints its verifier key (for the partners' trust policies) on start.
// `on_listening` (tests) is called with the bound port once listening.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sl::ledger {

int RunWitness(const std::string& state_dir, const std::string& name, const std::vector<std::string>& log_vkeys,
               const std::string& listen, const std::function<void(uint16_t)>& on_listening = {});

}  // namespace sl::ledger
