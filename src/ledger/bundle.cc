#include "ledger/bundle.h"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "ledger/policy.h"

namespace sl::ledger {
namespace {

namespace fs = std::filesystem;
constexpr const char* kFormat = "sightline-bundle/v1";

// A relative path that cannot leave the bundle directory.
bool SafePath(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.find('\\') != std::string::npos) return false;
  for (const auto& part : fs::path(p))
    if (part == ".." || part == ".") return false;
  return true;
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Status WriteFile(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) return Error::Internal("cannot write " + path.string());
  return {};
}

bool ValidName(const std::string& n) {
  if (n.empty() || n.size() > 100) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
  return n != "." && n != "..";
}

}  // namespace

Status WriteBundle(const std::string& dir, const std::string& title, const std::string& policy,
                   const std::vector<BundleItem>& items, const std::vector<BundleFile>& files) {
  boost::json::array list;
  for (const auto& item : items) {
    if (!ValidName(item.name)) return Error::BadRequest("invalid item name '" + item.name + "'");
    const std::string entry = "items/" + item.name + ".entry", proof = "items/" + item.name + ".tlog-proof";
    SL_TRY(WriteFile(fs::path(dir) / entry, item.entry));
    SL_TRY(WriteFile(fs::path(dir) / proof, item.proof.Format()));
    list.push_back({{"name", item.name}, {"entry", entry}, {"proof", proof}});
  }
  for (const auto& f : files) {
    if (!SafePath(f.path)) return Error::BadRequest("unsafe bundle path '" + f.path + "'");
    SL_TRY(WriteFile(fs::path(dir) / f.path, f.content));
  }
  SL_TRY(WriteFile(fs::path(dir) / "policy", policy));
  boost::json::object manifest{{"format", kFormat}, {"title", title}, {"items", std::move(list)}};
  return WriteFile(fs::path(dir) / "bundle.json", boost::json::serialize(manifest) + "\n");
}

bool BundleReport::ok() const { return !checks.empty() && failures() == 0; }

size_t BundleReport::failures() const {
  size_t n = 0;
  for (const auto& c : checks) n += c.ok ? 0 : 1;
  return n;
}

std::string BundleReport::Text() const {
  std::string out;
  for (const auto& c : checks)
    out += std::string(c.ok ? "  OK    " : "  FAIL  ") + c.subject + ": " + c.check + (c.detail.empty() ? "" : " — " + c.detail) + "\n";
  for (const auto& n : notes) out += "  NOTE  " + n + "\n";
  out += ok() ? "RESULT: VALID — every check holds\n"
              : "RESULT: INVALID — " + std::to_string(failures()) + " check(s) failed\n";
  return out;
}

std::string BundleReport::Json() const {
  boost::json::array list;
  for (const auto& c : checks)
    list.push_back({{"subject", c.subject}, {"check", c.check}, {"ok", c.ok}, {"detail", c.detail}});
  boost::json::array note_list;
  for (const auto& n : notes) note_list.push_back(boost::json::string(n));
  boost::json::object out{{"valid", ok()}, {"failures", failures()}, {"checks", std::move(list)},
                          {"notes", std::move(note_list)}};
  return boost::json::serialize(out) + "\n";
}

namespace {

class Verifier {
 public:
  Verifier(fs::path dir, BundleReport& report) : dir_(std::move(dir)), report_(report) {}

  void Run(const std::optional<std::string>& policy_override) {
    auto manifest_text = ReadFile(dir_ / "bundle.json");
    if (!manifest_text) return Fail("bundle", "format", "bundle.json is missing or unreadable");
    boost::system::error_code ec;
    auto manifest = boost::json::parse(*manifest_text, ec);
    const auto* obj = ec ? nullptr : manifest.if_object();
    const auto* format = obj ? obj->if_contains("format") : nullptr;
    const auto* items = obj ? obj->if_contains("items") : nullptr;
    if (!format || !format->is_string() || format->as_string() != kFormat || !items || !items->is_array())
      return Fail("bundle", "format", std::string("bundle.json is not a ") + kFormat + " manifest");
    Pass("bundle", "format", kFormat);
    if (!LoadPolicy(policy_override)) return;
    if (items->as_array().empty()) return Fail("bundle", "format", "the bundle holds no items");
    for (const auto& item : items->as_array()) CheckItem(item);
  }

 private:
  void Pass(std::string subject, std::string check, std::string detail = {}) {
    report_.checks.push_back({std::move(subject), std::move(check), true, std::move(detail)});
  }
  void Fail(std::string subject, std::string check, std::string detail) {
    report_.checks.push_back({std::move(subject), std::move(check), false, std::move(detail)});
  }

  bool LoadPolicy(const std::optional<std::string>& policy_override) {
    std::optional<std::string> text = policy_override ? policy_override : ReadFile(dir_ / "policy");
    if (!text) {
      Fail("policy", "parse", "no policy file in the bundle and none given");
      return false;
    }
    auto parsed = ParsePolicy(*text);
    if (!parsed.ok()) {
      Fail("policy", "parse", parsed.error().message);
      return false;
    }
    policy_ = std::move(parsed).value();
    std::string keys;
    for (const auto& log : policy_.logs) keys += (keys.empty() ? "" : ", ") + log.VerifierKey();
    Pass("policy", "parse", "log " + keys + ", quorum " + policy_.quorum);
    if (!policy_override)
      report_.notes.push_back("the trust policy came from the bundle itself: compare the log key " + keys +
                              " with the one the bureau publishes, or pass your own with --policy");
    return true;
  }

  void CheckItem(const boost::json::value& v) {
    const auto* o = v.if_object();
    auto str = [o](const char* k) -> std::string {
      const auto* f = o ? o->if_contains(k) : nullptr;
      return f && f->is_string() ? std::string(f->as_string()) : std::string();
    };
    const std::string name = str("name"), entry_path = str("entry"), proof_path = str("proof");
    const std::string subject = "item " + (name.empty() ? std::string("?") : name);
    if (!SafePath(entry_path) || !SafePath(proof_path))
      return Fail(subject, "format", "item needs safe relative \"entry\" and \"proof\" paths");
    auto entry = ReadFile(dir_ / entry_path);
    if (!entry) return Fail(subject, "entry", entry_path + " is missing");
    auto proof_text = ReadFile(dir_ / proof_path);
    if (!proof_text) return Fail(subject, "proof", proof_path + " is missing");
    auto proof = ParseTlogProof(*proof_text);
    if (!proof.ok()) return Fail(subject, "proof", proof.error().message);

    auto cp = CheckCheckpoint(proof->checkpoint, policy_);
    if (!cp.ok()) return Fail(subject, "signature", cp.error().message);
    Pass(subject, "signature", "checkpoint of " + cp->log + " at tree size " + std::to_string(cp->checkpoint.size));
    std::string cosigners;
    for (const auto& w : cp->cosigned_by) cosigners += (cosigners.empty() ? "" : ", ") + w;
    if (cp->quorum_met)
      Pass(subject, "quorum", "quorum " + policy_.quorum + (cosigners.empty() ? "" : " met by " + cosigners));
    else
      Fail(subject, "quorum", "quorum " + policy_.quorum + " not met (cosigned by: " +
                                  (cosigners.empty() ? "nobody" : cosigners) + ")");

    if (VerifyInclusion(LeafHash(*entry), proof->index, cp->checkpoint.size, proof->hashes, cp->checkpoint.root))
      Pass(subject, "inclusion", "entry " + std::to_string(proof->index) + " is in the signed tree");
    else
      return Fail(subject, "inclusion",
                  "entry " + entry_path + " is not at index " + std::to_string(proof->index) +
                      " of the signed tree: the entry or the proof was altered");
    CheckFiles(subject, *entry);
  }

  // Files a JSON entry lists; entries that are not such JSON list none.
  void CheckFiles(const std::string& subject, const std::string& entry) {
    boost::system::error_code ec;
    auto v = boost::json::parse(entry, ec);
    const auto* files = !ec && v.is_object() ? v.as_object().if_contains("files") : nullptr;
    if (!files || !files->is_array()) return;
    for (const auto& f : files->as_array()) {
      const auto* o = f.if_object();
      const auto* p = o ? o->if_contains("path") : nullptr;
      const auto* h = o ? o->if_contains("sha256") : nullptr;
      if (!p || !p->is_string() || !h || !h->is_string()) {
        Fail(subject, "manifest", "a files[] element lacks path or sha256");
        continue;
      }
      const std::string path(p->as_string()), want(h->as_string());
      if (!SafePath(path)) {
        Fail("file " + path, "sha256", "path leaves the bundle");
        continue;
      }
      auto content = ReadFile(dir_ / path);
      if (!content) {
        report_.notes.push_back("file " + path + " is not in the bundle: hash only (" + want + ")");
        continue;
      }
      const std::string got = Sha256Hex(*content);
      if (got == want)
        Pass("file " + path, "sha256", got);
      else
        Fail("file " + path, "sha256", "content hashes to " + got + " but the sealed entry says " + want);
    }
  }

  fs::path dir_;
  BundleReport& report_;
  Policy policy_;
};

}  // namespace

BundleReport VerifyBundle(const std::string& dir, const std::optional<std::string>& policy_override) {
  BundleReport report;
  Verifier(dir, report).Run(policy_override);
  return report;
}

}  // namespace sl::ledger
