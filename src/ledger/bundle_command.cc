#include "ledger/bundle_command.h"

#include <filesystem>
#include <fstream>

#include "ledger/bundle.h"
#include "ledger/tiles.h"
#include "net/http_client.h"

namespace sl::ledger {
namespace {

constexpr std::chrono::seconds kTimeout{20};

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<std::string> Fetch(const std::string& url) {
  SL_ASSIGN_OR_RETURN(net::ClientResponse r, net::HttpGet(url, kTimeout));
  if (r.status != 200) return Error::Unavailable("GET " + url + ": HTTP " + std::to_string(r.status) + " " + r.body);
  return std::move(r.body);
}

// The entry and its proof, checked against each other.
Result<BundleItem> FetchItem(const std::string& server, uint64_t index) {
  SL_ASSIGN_OR_RETURN(std::string text, Fetch(server + "/ledger/proof/" + std::to_string(index)));
  SL_ASSIGN_OR_RETURN(TlogProof proof, ParseTlogProof(text));
  SL_ASSIGN_OR_RETURN(Note note, ParseNote(proof.checkpoint));
  SL_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(note.text));
  const TileRef tile{true, 0, index / kTileWidth, TileWidthAt(0, index / kTileWidth, cp.size)};
  SL_ASSIGN_OR_RETURN(std::string bundle, Fetch(server + "/ledger/" + tile.Path()));
  SL_ASSIGN_OR_RETURN(auto entries, ParseBundle(bundle));
  if (entries.size() != tile.width) return Error::Internal("entry bundle " + tile.Path() + " has the wrong size");
  std::string entry = entries[index % kTileWidth];
  if (!VerifyInclusion(LeafHash(entry), index, cp.size, proof.hashes, cp.root))
    return Error::Internal("entry " + std::to_string(index) + " from the server does not match its proof");
  return BundleItem{"entry-" + std::to_string(index), std::move(entry), std::move(proof)};
}

}  // namespace

int RunBundle(const BundleCommand& c, std::FILE* out) {
  auto fail = [](const std::string& what) {
    std::fprintf(stderr, "sightline bundle: %s\n", what.c_str());
    return 2;
  };
  const auto policy = ReadFile(c.policy_file);
  if (!policy) return fail("cannot read policy file " + c.policy_file);
  if (std::filesystem::exists(c.out)) return fail(c.out + " already exists");
  std::vector<BundleItem> items;
  for (uint64_t index : c.indexes) {
    auto item = FetchItem(c.server, index);
    if (!item.ok()) return fail(item.error().message);
    items.push_back(std::move(item).value());
  }
  std::vector<BundleFile> files;
  for (const auto& spec : c.files) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos) return fail("--file wants <path in bundle>=<local file>, got " + spec);
    auto content = ReadFile(spec.substr(eq + 1));
    if (!content) return fail("cannot read " + spec.substr(eq + 1));
    files.push_back({spec.substr(0, eq), std::move(*content)});
  }
  if (auto written = WriteBundle(c.out, c.title, *policy, items, files); !written.ok())
    return fail(written.error().message);
  const BundleReport report = VerifyBundle(c.out, *policy);
  const std::string text = "sightline bundle " + c.out + "\n" + report.Text();
  std::fwrite(text.data(), 1, text.size(), out);
  return report.ok() ? 0 : 1;
}

}  // namespace sl::ledger
