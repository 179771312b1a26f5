#include "ledger/ledger_routes.h"

#include <charconv>

#include "ledger/proof_file.h"

namespace sl::ledger {
namespace {

constexpr std::string_view kTilePrefix = "/ledger/tile/";

net::Response FromError(const Error& e) {
  return net::ErrorResponse(ErrorCodeHttpStatus(e.code), ErrorCodeName(e.code), e.message, e.field);
}

net::Response Unavailable() {
  return net::ErrorResponse(503, "unavailable", "the ledger is not configured (no data directory)");
}

}  // namespace

void RegisterLedgerRoutes(net::Router& router, Ledger* ledger) {
  router.Add("GET", "/ledger/checkpoint", [ledger](net::Request&) {
    if (!ledger) return Unavailable();
    auto r = net::Response::Text(200, ledger->PublishedCheckpoint());
    r.headers["Cache-Control"] = "no-cache";
    return r;
  });
  router.Add("GET", "/ledger/vkey", [ledger](net::Request&) {
    if (!ledger) return Unavailable();
    return net::Response::Text(200, ledger->log().VerifierKey() + "\n");
  });
  router.Add("GET", "/ledger/proof/{index}", [ledger](net::Request& request) {
    if (!ledger) return Unavailable();
    const std::string& text = request.params["index"];
    uint64_t index = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
    if (ec != std::errc() || end != text.data() + text.size())
      return net::ErrorResponse(400, "bad_request", "index is not a decimal number", "index");
    auto proof = ProveEntry(ledger->log(), index, ledger->PublishedCheckpoint());
    if (!proof.ok()) return FromError(proof.error());
    auto r = net::Response::Text(200, proof->Format());
    r.headers["Cache-Control"] = "no-cache";
    return r;
  });
  const net::Handler tile = [ledger](net::Request& request) {
    if (!ledger) return Unavailable();
    auto ref = ParseTilePath(std::string_view(request.path).substr(kTilePrefix.size()));
    if (!ref.ok()) return FromError(ref.error());
    auto bytes = ledger->log().ReadTile(*ref);
    if (!bytes.ok()) return FromError(bytes.error());
    auto r = net::Response::Text(200, std::move(bytes).value(), "application/octet-stream");
    // A tile of a given width never changes.
    r.headers["Cache-Control"] = "public, max-age=31536000, immutable";
    return r;
  };
  std::string levels = "/ledger/tile/{level}", entries = "/ledger/tile/entries";
  for (int depth = 1; depth <= 5; ++depth) {
    const std::string segment = "/{n" + std::to_string(depth) + "}";
    levels += segment;
    entries += segment;
    router.Add("GET", levels, tile);
    router.Add("GET", entries, tile);
  }
}

}  // namespace sl::ledger
