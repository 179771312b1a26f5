#include "evidence/evidence_service.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "auth/audit.h"
#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"
#include "evidence/exif.h"
#include "ledger/bundle.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "ledger/proof_file.h"

namespace sl::evidence {

namespace fs = std::filesystem;
namespace bj = boost::json;
using auth::Principal;
using auth::Role;

namespace {

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }
std::string OptId(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "null"; }

// The extension a bundle gives a file: from the file name, [a-z0-9]{1,8}.
std::string Extension(const std::string& filename) {
  const size_t dot = filename.rfind('.');
  if (dot == std::string::npos) return "";
  std::string ext;
  for (char c : filename.substr(dot + 1)) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isalnum(static_cast<unsigned char>(c))) return "";
    ext += c;
  }
  return ext.size() <= 8 ? ext : "";
}

std::string BundlePath(const std::string& sha256, const std::string& filename) {
  const std::string ext = Extension(filename);
  return "files/" + sha256 + (ext.empty() ? "" : "." + ext);
}

std::string ExifJson(const std::optional<ExifFacts>& exif, const std::string& error) {
  if (!error.empty()) return "{\"error\":" + Quoted(error) + "}";
  if (!exif) return "{}";
  std::string out = "{";
  auto add = [&](const std::string& kv) { out += (out.size() > 1 ? "," : "") + kv; };
  if (exif->time_ms) add("\"time\":\"" + FormatIso8601China(*exif->time_ms) + "\"");
  if (exif->lon && exif->lat)
    add("\"location\":[" + json::FormatFixed(*exif->lon, 7) + "," + json::FormatFixed(*exif->lat, 7) + "]");
  if (!exif->camera.empty()) add("\"camera\":" + Quoted(exif->camera));
  return out + "}";
}

std::string FlagsJson(const std::vector<std::string>& flags) {
  std::string out = "[";
  for (const auto& f : flags) out += (out.size() > 1 ? "," : "") + Quoted(f);
  return out + "]";
}

std::string ManifestJson(const UploadInfo& info, const std::string& exif_json, const std::vector<std::string>& flags,
                         int64_t now_ms) {
  const UploadMeta& m = info.meta;
  return "{\"type\":\"sightline.evidence/v1\",\"item\":\"" + info.id + "\",\"sha256\":\"" + m.sha256 +
         "\",\"size\":" + std::to_string(info.length) + ",\"mode\":\"" + m.mode + "\",\"filename\":" +
         Quoted(m.filename) + ",\"content_type\":" + Quoted(m.content_type) + ",\"files\":[{\"path\":" +
         Quoted(BundlePath(m.sha256, m.filename)) + ",\"sha256\":\"" + m.sha256 +
         "\"}],\"capture\":{\"captured_at\":\"" + FormatIso8601China(m.capture.captured_at_ms) +
         "\",\"location\":[" + json::FormatFixed(m.capture.lon, 7) + "," + json::FormatFixed(m.capture.lat, 7) +
         "],\"accuracy_m\":" + json::FormatFixed(m.capture.accuracy_m, 1) + ",\"device\":" +
         Quoted(m.capture.device) + "},\"uploader\":{\"id\":" + std::to_string(info.user_id) + ",\"username\":" +
         Quoted(info.username) + ",\"role\":" + Quoted(info.role) + ",\"department_id\":" +
         std::to_string(info.department_id) + "},\"links\":{\"case_id\":" + OptId(m.case_id) +
         ",\"event_id\":" + OptId(m.event_id) + ",\"inspection_id\":" + Quoted(m.inspection_id) +
         "},\"exif\":" + exif_json + ",\"exif_flags\":" + FlagsJson(flags) + ",\"uploaded_at\":\"" +
         FormatIso8601China(now_ms) + "\"}";
}

std::string JoinFlags(const std::vector<std::string>& flags) {
  std::string out;
  for (const auto& f : flags) out += (out.empty() ? "" : ",") + f;
  return out;
}

Principal PrincipalOf(const UploadInfo& info) {
  Principal p;
  p.user_id = info.user_id;
  p.username = info.username;
  p.role = auth::ParseRole(info.role).value_or(Role::kOfficer);
  p.department_id = info.department_id;
  return p;
}

void Octal(char* field, size_t width, uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(value));
}

}  // namespace

std::string CustodyEntryJson(const std::string& upload_id, const std::string& sha256, const std::string& event,
                             int64_t at_ms, const std::string& actor, const std::string& role,
                             const std::string& detail, std::optional<uint64_t> manifest_index) {
  return "{\"type\":\"sightline.custody/v1\",\"item\":\"" + upload_id + "\",\"sha256\":\"" + sha256 +
         "\",\"event\":\"" + event + "\",\"at\":\"" + FormatIso8601China(at_ms) + "\",\"actor\":" + Quoted(actor) +
         ",\"role\":" + Quoted(role) + ",\"detail\":" + Quoted(detail) +
         (manifest_index ? ",\"manifest_index\":" + std::to_string(*manifest_index) : std::string()) + "}";
}

std::string Tar(const std::vector<std::pair<std::string, std::string>>& files, int64_t mtime_s) {
  std::string out;
  for (const auto& [path, content] : files) {
    char h[512] = {};
    std::string name = path, prefix;
    if (name.size() > 99) {  // ustar: split at a '/' into prefix (155) and name (100)
      const size_t slash = name.rfind('/', 154);
      if (slash != std::string::npos) prefix = name.substr(0, slash), name = name.substr(slash + 1);
    }
    std::snprintf(h, 100, "%s", name.substr(0, 99).c_str());
    Octal(h + 100, 8, 0644);
    Octal(h + 108, 8, 0);
    Octal(h + 116, 8, 0);
    Octal(h + 124, 12, content.size());
    Octal(h + 136, 12, static_cast<uint64_t>(mtime_s));
    std::memset(h + 148, ' ', 8);
    h[156] = '0';
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::snprintf(h + 265, 32, "sightline");
    std::snprintf(h + 297, 32, "sightline");
    std::snprintf(h + 345, 155, "%s", prefix.c_str());
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    out.append(h, 512);
    out += content;
    out.append((512 - content.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

EvidenceService::EvidenceService(store::Database& db, EventBus& bus, const Clock& clock, ledger::Ledger* ledger,
                                 EvidenceOptions options)
    : db_(db),
      bus_(bus),
      clock_(clock),
      ledger_(ledger),
      options_(std::move(options)),
      uploads_(options_.data_dir + "/uploads"),
      blobs_(options_.data_dir + "/blobs") {}

Status EvidenceService::Open() {
  if (options_.data_dir.empty() || !ledger_) return {};
  SL_TRY(uploads_.Init());
  SL_TRY(blobs_.Init());
  available_ = true;
  RemoveExpiredUploads();
  for (const std::string& id : uploads_.List()) {
    auto info = uploads_.Load(id);
    if (!info.ok()) {
      std::fprintf(stderr, "evidence: upload %s: %s\n", id.c_str(), info.error().message.c_str());
      continue;
    }
    auto offset = uploads_.Offset(id);
    if (offset.ok() && *offset < info->length) continue;  // the client resumes it
    auto done = Complete(*info);
    if (!done.ok())
      std::fprintf(stderr, "evidence: completing upload %s: %s\n", id.c_str(), done.error().message.c_str());
  }
  return {};
}

std::string EvidenceService::TrustPolicy() const {
  std::ifstream in(options_.data_dir + "/ledger/policy", std::ios::binary);
  if (in) return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return "# the bureau's evidence log; no witnesses configured\nlog " + ledger_->log().VerifierKey() +
         "\nquorum none\n";
}

Result<uint64_t> EvidenceService::Seal(std::string entry) { return ledger_->Add(std::move(entry)).get(); }

size_t EvidenceService::RemoveExpiredUploads() {
  const int64_t now = clock_.NowMs();
  last_sweep_ms_ = now;
  size_t removed = 0;
  for (const std::string& id : uploads_.List()) {
    auto lock_ptr = uploads_.Lock(id);
    std::lock_guard lock(*lock_ptr);
    auto info = uploads_.Load(id);
    if (!info.ok() || info->created_ms + options_.upload_expiry_ms > now) continue;
    auto offset = uploads_.Offset(id);
    if (!offset.ok() || *offset >= info->length) continue;  // complete: Open() finishes it
    if (uploads_.Remove(id).ok()) ++removed;
  }
  return removed;
}

Result<std::string> EvidenceService::CreateUpload(const Principal& who, uint64_t length, const std::string& metadata) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  if (clock_.NowMs() - last_sweep_ms_ > 3600 * 1000) RemoveExpiredUploads();
  if (length == 0) return Error::BadRequest("Upload-Length must be at least 1", "Upload-Length");
  if (length > options_.max_upload_bytes)
    return Error::TooLarge("Upload-Length " + std::to_string(length) + " is over Tus-Max-Size " +
                           std::to_string(options_.max_upload_bytes));
  UploadInfo info;
  SL_ASSIGN_OR_RETURN(info.meta, ParseUploadMetadata(metadata));
  info.id = UploadStore::NewId();
  info.length = length;
  info.user_id = who.user_id;
  info.username = who.username;
  info.role = std::string(auth::RoleName(who.role));
  info.department_id = who.department_id;
  info.created_ms = clock_.NowMs();
  info.metadata = metadata;
  SL_TRY(uploads_.Create(info));
  return info.id;
}

Result<UploadInfo> EvidenceService::OwnedUpload(const Principal& who, const std::string& id) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  SL_ASSIGN_OR_RETURN(UploadInfo info, uploads_.Load(id));
  if (info.user_id != who.user_id) return Error::NotFound("no upload " + id);
  if (info.created_ms + options_.upload_expiry_ms <= clock_.NowMs()) {
    auto offset = uploads_.Offset(id);
    if (offset.ok() && *offset < info.length) {
      SL_TRY(uploads_.Remove(id));
      return Error::NotFound("upload " + id + " expired unfinished and was removed");
    }
  }
  return info;
}

Result<UploadState> EvidenceService::Upload(const Principal& who, const std::string& id) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  auto lock_ptr = uploads_.Lock(id);
  std::lock_guard lock(*lock_ptr);
  auto info = OwnedUpload(who, id);
  if (!info.ok()) {
    if (info.error().code != ErrorCode::kNotFound || !UploadStore::ValidId(id)) return info.error();
    // Finished uploads are remembered by their item.
    auto lease = db_.Acquire();
    SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT id, size, officer_id FROM evidence_items WHERE upload_id = ?",
                                                  {id}));
    if (!row || row->i64("officer_id") != who.user_id) return info.error();
    const uint64_t size = static_cast<uint64_t>(row->i64("size"));
    return UploadState{size, size, 0, "", row->i64("id")};
  }
  UploadState state;
  state.length = info->length;
  state.metadata = info->metadata;
  state.expires_ms = info->created_ms + options_.upload_expiry_ms;
  auto offset = uploads_.Offset(id);
  state.offset = offset.ok() ? *offset : info->length;  // no part: moved into the blobs at completion
  if (state.offset == state.length) {
    SL_ASSIGN_OR_RETURN(int64_t item, Complete(*info));
    state.item_id = item;
    state.expires_ms = 0;
  }
  return state;
}

Result<UploadState> EvidenceService::Patch(const Principal& who, const std::string& id, uint64_t offset,
                                           std::string_view data) {
  auto lock_ptr = uploads_.Lock(id);
  std::lock_guard lock(*lock_ptr);
  SL_ASSIGN_OR_RETURN(UploadInfo info, OwnedUpload(who, id));
  UploadState state;
  state.length = info.length;
  state.expires_ms = info.created_ms + options_.upload_expiry_ms;
  SL_ASSIGN_OR_RETURN(state.offset, uploads_.Append(id, offset, data, info.length));
  if (state.offset == state.length) {
    state.expires_ms = 0;
    SL_ASSIGN_OR_RETURN(int64_t item, Complete(info));
    state.item_id = item;
  }
  return state;
}

Status EvidenceService::Terminate(const Principal& who, const std::string& id) {
  auto lock_ptr = uploads_.Lock(id);
  std::lock_guard lock(*lock_ptr);
  SL_TRY(OwnedUpload(who, id));
  return uploads_.Remove(id);
}

Result<int64_t> EvidenceService::Complete(const UploadInfo& info) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  {
    auto lease = db_.Acquire();
    SL_ASSIGN_OR_RETURN(auto done, lease->QueryOne("SELECT id FROM evidence_items WHERE upload_id = ?", {info.id}));
    if (done) {
      SL_TRY(uploads_.Remove(info.id));
      return done->i64("id");
    }
  }
  const UploadMeta& m = info.meta;
  const std::string part = uploads_.PartPath(info.id);
  std::error_code ec;
  if (fs::exists(part, ec)) {
    SL_ASSIGN_OR_RETURN(std::string hash, uploads_.PartDigest(info.id));
    if (hash != m.sha256) {
      SL_TRY(uploads_.Remove(info.id));
      return Error::BadRequest("the uploaded content hashes to " + hash + ", not to the capture hash " + m.sha256 +
                                   "; the upload was discarded",
                               "Upload-Metadata.sha256");
    }
    SL_TRY(blobs_.Adopt(part, m.sha256));
  } else if (!blobs_.Exists(m.sha256)) {
    return Error::Internal("upload " + info.id + " lost its content");
  }

  auto pending = Begin(info);
  if (!pending.ok()) return pending.error();
  SL_TRY(SealManifest(**pending));
  SL_ASSIGN_OR_RETURN(int64_t item_id, Finish(**pending));
  SL_TRY(uploads_.Remove(info.id));
  return item_id;
}

Result<std::vector<int64_t>> EvidenceService::Import(const std::vector<std::pair<UploadInfo, std::string>>& items) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  std::vector<std::pair<std::string, std::string_view>> blobs;
  for (const auto& [info, content] : items) {
    if (content.size() != info.length)
      return Error::BadRequest("item " + info.id + " has " + std::to_string(content.size()) + " bytes, not " +
                                   std::to_string(info.length),
                               "length");
    const std::string hash = Sha256Hex(content);
    if (hash != info.meta.sha256)
      return Error::BadRequest("item " + info.id + " hashes to " + hash + ", not to its capture hash " +
                                   info.meta.sha256,
                               "sha256");
    blobs.push_back({hash, content});
  }
  SL_TRY(blobs_.PutMany(blobs));
  std::vector<PendingPtr> pending;
  pending.reserve(items.size());
  for (const auto& item : items) {
    SL_ASSIGN_OR_RETURN(PendingPtr p, Begin(item.first));
    pending.push_back(std::move(p));
  }
  for (auto& p : pending) SL_TRY(SealManifest(*p));
  std::vector<int64_t> ids;
  for (auto& p : pending) {
    SL_ASSIGN_OR_RETURN(int64_t id, Finish(*p));
    ids.push_back(id);
  }
  return ids;
}

struct EvidenceService::Pending {
  struct Custody {
    std::string event;
    int64_t at;
    std::string detail;
    uint64_t index = 0;
  };
  UploadInfo info;
  std::string exif_json;
  std::vector<std::string> flags;
  int64_t now = 0;
  std::string manifest;
  std::vector<Custody> trail;
  std::future<Result<uint64_t>> f_captured, f_uploaded, f_manifest, f_sealed;
  uint64_t manifest_index = 0;
};

void EvidenceService::PendingDeleter::operator()(Pending* p) const { delete p; }

Result<EvidenceService::PendingPtr> EvidenceService::Begin(const UploadInfo& info) {
  const UploadMeta& m = info.meta;
  PendingPtr p(new Pending);
  p->info = info;
  std::optional<ExifFacts> exif;
  std::string exif_error;
  if (m.mode == "photo") {
    auto read = ReadExif(blobs_.Path(m.sha256));
    if (read.ok()) {
      exif = *read;
      p->flags = ExifDisagreements(*exif, m.capture);
    } else {
      exif_error = read.error().message;
    }
  }
  p->exif_json = ExifJson(exif, exif_error);
  p->now = clock_.NowMs();
  p->manifest = ManifestJson(info, p->exif_json, p->flags, p->now);
  p->trail = {
      {"captured", m.capture.captured_at_ms, "device " + m.capture.device},
      {"uploaded", p->now, std::to_string(info.length) + " bytes, re-hashed on receipt"},
  };
  p->f_captured = ledger_->Add(CustodyEntryJson(info.id, m.sha256, "captured", p->trail[0].at, info.username,
                                                info.role, p->trail[0].detail, std::nullopt));
  p->f_uploaded = ledger_->Add(CustodyEntryJson(info.id, m.sha256, "uploaded", p->trail[1].at, info.username,
                                                info.role, p->trail[1].detail, std::nullopt));
  p->f_manifest = ledger_->Add(p->manifest);
  return p;
}

Status EvidenceService::SealManifest(Pending& p) {
  const UploadMeta& m = p.info.meta;
  SL_ASSIGN_OR_RETURN(p.trail[0].index, p.f_captured.get());
  SL_ASSIGN_OR_RETURN(p.trail[1].index, p.f_uploaded.get());
  SL_ASSIGN_OR_RETURN(p.manifest_index, p.f_manifest.get());
  p.trail.push_back({"sealed", p.now, "manifest at log index " + std::to_string(p.manifest_index)});
  p.f_sealed = ledger_->Add(
      CustodyEntryJson(p.info.id, m.sha256, "sealed", p.now, "system", "system", p.trail[2].detail, p.manifest_index));
  return {};
}

Result<int64_t> EvidenceService::Finish(Pending& p) {
  const UploadInfo& info = p.info;
  const UploadMeta& m = info.meta;
  const auto& trail = p.trail;
  const auto& flags = p.flags;
  const auto& exif_json = p.exif_json;
  const auto& manifest = p.manifest;
  const int64_t now = p.now;
  const uint64_t manifest_index = p.manifest_index;
  SL_ASSIGN_OR_RETURN(p.trail[2].index, p.f_sealed.get());
  const std::string checkpoint = ledger_->log().SignedCheckpoint();
  const uint64_t checkpoint_size = ledger_->log().CurrentCheckpoint().size;

  int64_t item_id = 0;
  const Principal uploader = PrincipalOf(info);
  SL_TRY(auth::AuditedWrite(
      db_, bus_, clock_, auth::AuditFor(uploader, "evidence.upload", "evidence_item", ""),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        SL_ASSIGN_OR_RETURN(
            auto rows,
            tx.Query("INSERT INTO evidence_items (upload_id, sha256, size, mode, filename, content_type, captured_at, "
                     "lon, lat, accuracy_m, device, officer_id, officer, department_id, case_id, event_id, "
                     "inspection_id, exif, exif_flags, manifest, ledger_index, checkpoint_size, checkpoint, "
                     "uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "RETURNING id",
                     {info.id, m.sha256, static_cast<int64_t>(info.length), m.mode, m.filename, m.content_type,
                      m.capture.captured_at_ms, m.capture.lon, m.capture.lat, m.capture.accuracy_m, m.capture.device,
                      info.user_id, info.username, info.department_id,
                      m.case_id ? store::Value(*m.case_id) : store::Value(),
                      m.event_id ? store::Value(*m.event_id) : store::Value(), m.inspection_id, exif_json,
                      JoinFlags(flags), manifest, static_cast<int64_t>(manifest_index),
                      static_cast<int64_t>(checkpoint_size), checkpoint, now}));
        item_id = rows.at(0).i64("id");
        for (const auto& c : trail) {
          const bool system = c.event == "sealed";
          SL_TRY(tx.Execute("INSERT INTO evidence_custody (item_id, event, at_ms, actor_id, actor, detail, "
                            "ledger_index) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            {item_id, c.event, c.at, system ? int64_t{0} : info.user_id,
                             system ? std::string("system") : info.username, c.detail,
                             static_cast<int64_t>(c.index)}));
        }
        entry.object_id = std::to_string(item_id);
        entry.after_digest = auth::DigestOf(manifest);
        entry.detail = m.mode + " " + m.sha256.substr(0, 16) + " sealed at " + std::to_string(manifest_index);
        return {};
      }));
  return item_id;
}

void EvidenceService::VisibleTo(const Principal& who, std::string& where, store::Params& params) const {
  if (who.role == Role::kPartner) {
    where +=
        " AND (case_id IN (SELECT case_id FROM evidence_shares WHERE department_id = ? AND case_id IS NOT NULL)"
        " OR id IN (SELECT item_id FROM evidence_shares WHERE department_id = ? AND item_id IS NOT NULL))";
    params.push_back(who.department_id);
    params.push_back(who.department_id);
  } else if (who.role == Role::kAuxiliary) {
    where += " AND officer_id = ?";
    params.push_back(who.user_id);
  }
}

Result<store::Row> EvidenceService::Item(const Principal& who, int64_t id) {
  std::string where = " WHERE id = ?";
  store::Params params = {id};
  VisibleTo(who, where, params);
  auto lease = db_.Acquire();
  SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT * FROM evidence_items" + where, params));
  if (!row) return Error::NotFound("no evidence item " + std::to_string(id));
  return *row;
}

Result<int64_t> EvidenceService::RecordCustody(const Principal& who, const store::Row& item, const std::string& event,
                                               const std::string& detail) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  const int64_t now = clock_.NowMs();
  const std::string role(auth::RoleName(who.role));
  SL_ASSIGN_OR_RETURN(uint64_t index,
                      Seal(CustodyEntryJson(item.str("upload_id"), item.str("sha256"), event, now, who.username, role,
                                            detail, static_cast<uint64_t>(item.i64("ledger_index")))));
  int64_t custody_id = 0;
  SL_TRY(auth::AuditedWrite(db_, bus_, clock_,
                            auth::AuditFor(who, "evidence." + event, "evidence_item", std::to_string(item.i64("id"))),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              SL_ASSIGN_OR_RETURN(
                                  auto rows,
                                  tx.Query("INSERT INTO evidence_custody (item_id, event, at_ms, actor_id, actor, "
                                           "detail, ledger_index) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                           {item.i64("id"), event, now, who.user_id, who.username, detail,
                                            static_cast<int64_t>(index)}));
                              custody_id = rows.at(0).i64("id");
                              entry.detail = event + " (custody entry at log index " + std::to_string(index) + ")";
                              return {};
                            }));
  return custody_id;
}

Result<std::string> EvidenceService::Content(const Principal& who, const store::Row& item) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  SL_ASSIGN_OR_RETURN(std::string bytes, blobs_.Read(item.str("sha256")));
  SL_TRY(RecordCustody(who, item, "viewed", "downloaded the content"));
  return bytes;
}

Result<std::string> EvidenceService::ShareWith(const Principal& who, std::optional<int64_t> case_id,
                                               std::optional<int64_t> item_id, int64_t department_id) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  if (case_id.has_value() == item_id.has_value())
    return Error::BadRequest("give exactly one of case_id and item_id", case_id ? "item_id" : "case_id");
  std::vector<store::Row> items;
  {
    auto lease = db_.Acquire();
    SL_ASSIGN_OR_RETURN(auto dept, lease->QueryOne("SELECT kind, name FROM departments WHERE id = ?", {department_id}));
    if (!dept) return Error::BadRequest("no department " + std::to_string(department_id), "department_id");
    if (dept->str("kind") != "partner")
      return Error::BadRequest("evidence is shared only with partner departments (police, procuratorate, court)",
                               "department_id");
    std::string where = case_id ? " WHERE case_id = ?" : " WHERE id = ?";
    store::Params params = {case_id ? *case_id : *item_id};
    VisibleTo(who, where, params);
    SL_ASSIGN_OR_RETURN(items, lease->Query("SELECT * FROM evidence_items" + where + " ORDER BY id", params));
    if (items.empty())
      return case_id ? Error::BadRequest("case " + std::to_string(*case_id) + " has no evidence", "case_id")
                     : Error::BadRequest("no evidence item " + std::to_string(*item_id), "item_id");
    SL_ASSIGN_OR_RETURN(auto existing,
                        lease->QueryOne(case_id ? "SELECT id FROM evidence_shares WHERE case_id = ? AND department_id = ?"
                                                : "SELECT id FROM evidence_shares WHERE item_id = ? AND department_id = ?",
                                        {case_id ? *case_id : *item_id, department_id}));
    if (existing) return Error::Conflict("already shared with department " + std::to_string(department_id));
  }
  for (const auto& item : items)
    SL_TRY(RecordCustody(who, item, "shared", "shared with department " + std::to_string(department_id)));
  const int64_t now = clock_.NowMs();
  std::string created;
  SL_TRY(auth::AuditedWrite(
      db_, bus_, clock_, auth::AuditFor(who, "evidence.share", "evidence_share", ""),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        SL_ASSIGN_OR_RETURN(auto rows, tx.Query("INSERT INTO evidence_shares (case_id, item_id, department_id, "
                                                "shared_by, shared_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                                {case_id ? store::Value(*case_id) : store::Value(),
                                                 item_id ? store::Value(*item_id) : store::Value(), department_id,
                                                 who.user_id, now}));
        const int64_t id = rows.at(0).i64("id");
        created = "{\"id\":" + std::to_string(id) + ",\"case_id\":" + OptId(case_id) + ",\"item_id\":" +
                  OptId(item_id) + ",\"department_id\":" + std::to_string(department_id) + ",\"shared_by\":" +
                  std::to_string(who.user_id) + ",\"shared_at\":\"" + FormatIso8601China(now) +
                  "\",\"items\":" + std::to_string(items.size()) + "}";
        entry.object_id = std::to_string(id);
        entry.after_digest = auth::DigestOf(created);
        return {};
      }));
  return created;
}

Result<std::string> EvidenceService::BundleTar(const Principal& who, std::optional<int64_t> case_id,
                                               std::optional<int64_t> item_id, std::string* name_out) {
  if (!available_) return Error::Unavailable("evidence needs the data directory and its transparency log");
  if (case_id.has_value() == item_id.has_value())
    return Error::BadRequest("give exactly one of case_id and item_id", case_id ? "item_id" : "case_id");
  std::vector<store::Row> items;
  {
    std::string where = case_id ? " WHERE case_id = ?" : " WHERE id = ?";
    store::Params params = {case_id ? *case_id : *item_id};
    VisibleTo(who, where, params);
    auto lease = db_.Acquire();
    SL_ASSIGN_OR_RETURN(items, lease->Query("SELECT * FROM evidence_items" + where + " ORDER BY id", params));
  }
  if (items.empty())
    return Error::NotFound(case_id ? "no evidence of case " + std::to_string(*case_id) + " that you may see"
                                   : "no evidence item " + std::to_string(*item_id));
  uint64_t total = 0;
  for (const auto& item : items) total += static_cast<uint64_t>(item.i64("size"));
  if (total > options_.max_bundle_bytes)
    return Error::TooLarge("the bundle would hold " + std::to_string(total) + " bytes of files, over " +
                           std::to_string(options_.max_bundle_bytes) + "; bundle fewer items");
  for (const auto& item : items) SL_TRY(RecordCustody(who, item, "exported", "verification bundle"));

  const std::string name =
      case_id ? "case-" + std::to_string(*case_id) + "-evidence" : "evidence-item-" + std::to_string(*item_id);
  // With witnesses, the published (cosigned) checkpoint trails the log by up
  // to a witnessing round; wait briefly for one that covers everything the
  // bundle holds (the "exported" events just sealed), so that the partner's
  // quorum holds for every entry. Without witnesses it covers them already.
  int64_t max_index = 0;
  {
    auto lease = db_.Acquire();
    for (const auto& item : items) {
      SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT MAX(ledger_index) AS m FROM evidence_custody WHERE "
                                                    "item_id = ?",
                                                    {item.i64("id")}));
      max_index = std::max({max_index, row ? row->i64("m") : 0, item.i64("ledger_index")});
    }
  }
  auto covered = [&](const std::string& note) {
    auto parsed = ledger::ParseNote(note);
    if (!parsed.ok()) return false;
    auto cp = ledger::ParseCheckpoint(parsed->text);
    return cp.ok() && cp->size > static_cast<uint64_t>(max_index);
  };
  std::string published = ledger_->PublishedCheckpoint();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!covered(published) && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    published = ledger_->PublishedCheckpoint();
  }
  auto prove = [&](uint64_t index) -> Result<ledger::TlogProof> {
    auto proof = ledger::ProveEntry(ledger_->log(), index, published);
    if (!proof.ok() && proof.error().code == ErrorCode::kNotFound)  // newer than the cosigned checkpoint
      return ledger::ProveEntry(ledger_->log(), index);
    return proof;
  };
  std::vector<ledger::BundleItem> bundle_items;
  std::vector<ledger::BundleFile> files;
  std::set<std::string> file_paths;
  for (const auto& item : items) {
    const int64_t id = item.i64("id");
    std::vector<std::pair<std::string, int64_t>> entries = {{"item-" + std::to_string(id), item.i64("ledger_index")}};
    {
      auto lease = db_.Acquire();
      SL_ASSIGN_OR_RETURN(auto custody, lease->Query("SELECT id, event, ledger_index FROM evidence_custody WHERE "
                                                     "item_id = ? ORDER BY id",
                                                     {id}));
      for (const auto& c : custody)
        entries.push_back({"item-" + std::to_string(id) + "-custody-" + std::to_string(c.i64("id")) + "-" +
                               c.str("event"),
                           c.i64("ledger_index")});
    }
    for (const auto& [entry_name, index] : entries) {
      SL_ASSIGN_OR_RETURN(std::string entry, ledger_->log().Entry(static_cast<uint64_t>(index)));
      SL_ASSIGN_OR_RETURN(ledger::TlogProof proof, prove(static_cast<uint64_t>(index)));
      bundle_items.push_back({entry_name, std::move(entry), std::move(proof)});
    }
    const std::string path = BundlePath(item.str("sha256"), item.str("filename"));
    if (file_paths.insert(path).second) {
      SL_ASSIGN_OR_RETURN(std::string content, blobs_.Read(item.str("sha256")));
      files.push_back({path, std::move(content)});
    }
  }

  // WriteBundle lays the bundle out on disk; the archive is made from that.
  const fs::path tmp_root = fs::path(options_.data_dir) / "tmp";
  std::error_code ec;
  fs::create_directories(tmp_root, ec);
  std::string tmpl = (tmp_root / "bundle-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return Error::Internal("cannot create a temporary directory under " + tmp_root.string());
  const fs::path dir = fs::path(tmpl) / name;
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{tmpl};
  const std::string title = case_id ? "evidence of case " + std::to_string(*case_id)
                                    : "evidence item " + std::to_string(*item_id);
  SL_TRY(ledger::WriteBundle(dir.string(), title, TrustPolicy(), bundle_items, files));
  std::vector<std::pair<std::string, std::string>> archive;
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file()) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    archive.push_back({name + "/" + fs::relative(p, dir).string(),
                       std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())});
  }
  if (name_out) *name_out = name;
  return Tar(archive, clock_.NowMs() / 1000);
}

}  // namespace sl::evidence
