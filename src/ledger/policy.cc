#include "ledger/policy.h"

#include <charconv>
#include <sstream>

namespace sl::ledger {

bool Policy::Satisfied(const std::string& name, const std::set<std::string>& cosigned) const {
  if (name == "none") return true;
  if (witnesses.count(name)) return cosigned.count(name) > 0;
  const auto it = groups.find(name);
  if (it == groups.end()) return false;
  size_t met = 0;
  for (const auto& m : it->second.members) met += Satisfied(m, cosigned) ? 1 : 0;
  return met >= it->second.threshold;
}

Result<Policy> ParsePolicy(std::string_view text) {
  Policy p;
  bool have_quorum = false;
  int number = 0;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    ++number;
    auto bad = [&](const std::string& why) {
      return Error::BadRequest("policy line " + std::to_string(number) + ": " + why, "policy");
    };
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.empty() || w[0][0] == '#') continue;
    auto defined = [&](const std::string& name) { return name == "none" || p.witnesses.count(name) || p.groups.count(name); };
    if (w[0] == "log") {
      if (w.size() < 2 || w.size() > 3) return bad("expected: log <vkey> [url]");
      auto v = NoteVerifier::Parse(w[1]);
      if (!v.ok()) return bad(v.error().message);
      if (v->type() != kSigEd25519) return bad("a log key must be an Ed25519 note key");
      p.logs.push_back(*v);
    } else if (w[0] == "witness") {
      if (w.size() < 3 || w.size() > 4) return bad("expected: witness <name> <vkey> [url]");
      if (defined(w[1])) return bad("name '" + w[1] + "' is already defined");
      auto v = NoteVerifier::Parse(w[2]);
      if (!v.ok()) return bad(v.error().message);
      if (v->type() != kSigCosignatureV1) return bad("a witness key must be a cosignature/v1 key");
      p.witnesses.emplace(w[1], *v);
    } else if (w[0] == "group") {
      if (w.size() < 4) return bad("expected: group <name> <k|any|all> <member>...");
      if (defined(w[1])) return bad("name '" + w[1] + "' is already defined");
      Policy::Group g;
      g.members.assign(w.begin() + 3, w.end());
      for (const auto& m : g.members)
        if (m == "none" || !defined(m)) return bad("unknown group member '" + m + "'");
      if (w[2] == "any") {
        g.threshold = 1;
      } else if (w[2] == "all") {
        g.threshold = g.members.size();
      } else {
        const auto [end, ec] = std::from_chars(w[2].data(), w[2].data() + w[2].size(), g.threshold);
        if (ec != std::errc() || end != w[2].data() + w[2].size() || g.threshold < 1 || g.threshold > g.members.size())
          return bad("threshold must be any, all or 1.." + std::to_string(g.members.size()));
      }
      p.groups.emplace(w[1], std::move(g));
    } else if (w[0] == "quorum") {
      if (w.size() != 2) return bad("expected: quorum <name>");
      if (have_quorum) return bad("second quorum line");
      if (!defined(w[1])) return bad("unknown quorum '" + w[1] + "'");
      p.quorum = w[1];
      have_quorum = true;
    } else {
      return bad("unknown keyword '" + w[0] + "'");
    }
  }
  if (p.logs.empty()) return Error::BadRequest("policy names no log", "policy");
  return p;
}

Result<CheckpointCheck> CheckCheckpoint(std::string_view signed_note, const Policy& policy) {
  std::vector<NoteVerifier> known = policy.logs;
  for (const auto& [name, v] : policy.witnesses) known.push_back(v);
  SL_ASSIGN_OR_RETURN(VerifiedNote note, OpenNote(signed_note, known));
  CheckpointCheck out;
  for (const auto& signer : note.verified_by) {
    for (const auto& log : policy.logs)
      if (log.name() == signer) out.log = signer;
    for (const auto& [name, v] : policy.witnesses)
      if (v.name() == signer) out.cosigned_by.insert(name);
  }
  if (out.log.empty()) return Error::Forbidden("checkpoint is not signed by the log named in the policy");
  SL_ASSIGN_OR_RETURN(out.checkpoint, ParseCheckpoint(note.note.text));
  if (out.checkpoint.origin != out.log)
    return Error::Forbidden("checkpoint origin '" + out.checkpoint.origin + "' is not the log '" + out.log + "'");
  out.quorum_met = policy.Satisfied(policy.quorum, out.cosigned_by);
  return out;
}

}  // namespace sl::ledger
