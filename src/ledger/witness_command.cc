#include "ledger/witness_command.h"

#include <cstdio>

#include "ledger/witness.h"
#include "net/server.h"

namespace sl::ledger {

int RunWitness(const std::string& state_dir, const std::string& name, const std::vector<std::string>& log_vkeys,
               const std::string& listen, const std::function<void(uint16_t)>& on_listening) {
  auto witness = Witness::Open({state_dir, name, log_vkeys});
  if (!witness.ok()) {
    std::fprintf(stderr, "sightline witness: %s\n", witness.error().message.c_str());
    return 1;
  }
  net::Router router;
  RegisterWitnessRoutes(router, **witness);
  net::ServerOptions options;
  options.listen = listen;
  options.threads = 1;
  options.max_body_bytes = 64 * 1024;  // a checkpoint and a proof are a few KiB
  options.handle_signals = true;
  net::HttpServer server(options, router);
  if (auto listening = server.Listen(); !listening.ok()) {
    std::fprintf(stderr, "sightline witness: %s\n", listening.error().message.c_str());
    return 1;
  }
  std::printf("sightline witness: key %s\nsightline witness: POST /add-checkpoint on port %u\n",
              (*witness)->VerifierKey().c_str(), static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  if (on_listening) on_listening(server.port());
  server.Run();
  return 0;
}

}  // namespace sl::ledger
