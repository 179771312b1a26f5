#include "evidence/evidence_routes.h"

#include <boost/json.hpp>
#include <charconv>
#include <ctime>

#include "common/json.h"
#include "common/time.h"
#include "store/page.h"

namespace sl::evidence {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

constexpr const char* kTusVersion = "1.0.0";

// Completing an upload (hash check, move into the blobs, sealing), reading a
// large item and building a bundle can take seconds: worker pool.
const api::RouteOptions kLongRunning{.long_running = true};

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }

std::string OptIdJson(const store::Row& r, const char* column) {
  auto v = r.opt_i64(column);
  return v ? std::to_string(*v) : std::string("null");
}

std::string FlagsArray(const std::string& flags) {
  std::string out = "[";
  size_t start = 0;
  while (start < flags.size()) {
    size_t comma = flags.find(',', start);
    if (comma == std::string::npos) comma = flags.size();
    out += (out.size() > 1 ? "," : "") + Quoted(flags.substr(start, comma - start));
    start = comma + 1;
  }
  return out + "]";
}

std::string ItemJson(const store::Row& r) {
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"upload_id\":\"" + r.str("upload_id") + "\",\"sha256\":\"" +
         r.str("sha256") + "\",\"size\":" + std::to_string(r.i64("size")) + ",\"mode\":\"" + r.str("mode") +
         "\",\"filename\":" + Quoted(r.str("filename")) + ",\"content_type\":" + Quoted(r.str("content_type")) +
         ",\"captured_at\":\"" + FormatIso8601China(r.i64("captured_at")) + "\",\"location\":[" +
         json::FormatFixed(r.f64("lon"), 7) + "," + json::FormatFixed(r.f64("lat"), 7) +
         "],\"accuracy_m\":" + json::FormatFixed(r.f64("accuracy_m"), 1) + ",\"device\":" + Quoted(r.str("device")) +
         ",\"officer_id\":" + std::to_string(r.i64("officer_id")) + ",\"officer\":" + Quoted(r.str("officer")) +
         ",\"department_id\":" + std::to_string(r.i64("department_id")) + ",\"case_id\":" + OptIdJson(r, "case_id") +
         ",\"event_id\":" + OptIdJson(r, "event_id") + ",\"inspection_id\":" + Quoted(r.str("inspection_id")) +
         ",\"exif\":" + r.str("exif") + ",\"exif_flags\":" + FlagsArray(r.str("exif_flags")) +
         ",\"sealed\":true,\"ledger_index\":" + std::to_string(r.i64("ledger_index")) +
         ",\"checkpoint\":{\"size\":" + std::to_string(r.i64("checkpoint_size")) + ",\"note\":" +
         Quoted(r.str("checkpoint")) + "},\"uploaded_at\":\"" + FormatIso8601China(r.i64("uploaded_at")) + "\"}";
}

std::string CustodyJson(const store::Row& r) {
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"event\":\"" + r.str("event") + "\",\"at\":\"" +
         FormatIso8601China(r.i64("at_ms")) + "\",\"actor\":" + Quoted(r.str("actor")) + ",\"detail\":" +
         Quoted(r.str("detail")) + ",\"ledger_index\":" + std::to_string(r.i64("ledger_index")) + "}";
}

net::Response Tus(net::Response r) {
  r.headers["Tus-Resumable"] = kTusVersion;
  r.headers["Cache-Control"] = "no-store";
  return r;
}
net::Response TusError(const Error& e) { return Tus(api::ErrorResponse(e)); }
net::Response Empty(int status) {
  net::Response r;
  r.status = status;
  return Tus(std::move(r));
}

// RFC 9110 IMF-fixdate, as tus's Upload-Expires wants it.
std::string HttpDate(int64_t epoch_ms) {
  const std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// 412 unless the client speaks tus 1.0.0.
std::optional<net::Response> CheckTusVersion(const net::Request& request) {
  if (request.header("Tus-Resumable") == kTusVersion) return std::nullopt;
  net::Response r = net::ErrorResponse(412, "precondition_failed", "this server speaks tus 1.0.0 (Tus-Resumable header)",
                                       "Tus-Resumable");
  r.headers["Tus-Version"] = kTusVersion;
  return Tus(std::move(r));
}

Result<uint64_t> HeaderNumber(const net::Request& request, const char* name) {
  std::string_view text = request.header(name);
  if (text.empty()) return Error::BadRequest(std::string(name) + " header is required", name);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    return Error::BadRequest(std::string(name) + " must be a non-negative integer", name);
  return v;
}

}  // namespace

void RegisterEvidenceRoutes(api::ApiRouter& api, EvidenceService& service, store::Database& db) {
  EvidenceService* s = &service;
  store::Database* dbp = &db;

  api.Raw("OPTIONS", "/api/v1/uploads/", "public", [s](net::Request&, const Principal&) -> Result<net::Response> {
    net::Response r = Empty(204);
    r.headers["Tus-Version"] = kTusVersion;
    r.headers["Tus-Extension"] = "creation,expiration,termination";
    r.headers["Tus-Max-Size"] = std::to_string(s->max_upload_bytes());
    return r;
  });

  api.Raw("POST", "/api/v1/uploads/", "evidence.capture",
          [s](net::Request& request, const Principal& who) -> Result<net::Response> {
            if (auto bad = CheckTusVersion(request)) return *bad;
            if (!request.header("Upload-Defer-Length").empty())
              return TusError(Error::BadRequest("Upload-Defer-Length is not supported; send Upload-Length",
                                                "Upload-Defer-Length"));
            auto length = HeaderNumber(request, "Upload-Length");
            if (!length.ok()) return TusError(length.error());
            if (!request.body.empty())
              return TusError(Error::BadRequest("send the content with PATCH, not with the creation", "body"));
            auto id = s->CreateUpload(who, *length, std::string(request.header("Upload-Metadata")));
            if (!id.ok()) {
              net::Response r = TusError(id.error());
              if (id.error().code == ErrorCode::kTooLarge) r.headers["Tus-Max-Size"] = std::to_string(s->max_upload_bytes());
              return r;
            }
            net::Response r = Empty(201);
            r.headers["Location"] = "/api/v1/uploads/" + *id;
            r.headers["Upload-Offset"] = "0";
            return r;
          });

  api.Raw("HEAD", "/api/v1/uploads/{id}", "evidence.capture",
          [s](net::Request& request, const Principal& who) -> Result<net::Response> {
            if (auto bad = CheckTusVersion(request)) return *bad;
            auto state = s->Upload(who, request.params["id"]);
            if (!state.ok()) return TusError(state.error());
            net::Response r = Empty(200);
            r.headers["Upload-Offset"] = std::to_string(state->offset);
            r.headers["Upload-Length"] = std::to_string(state->length);
            if (!state->metadata.empty()) r.headers["Upload-Metadata"] = state->metadata;
            if (state->item_id) r.headers["Evidence-Item"] = std::to_string(*state->item_id);
            if (state->expires_ms) r.headers["Upload-Expires"] = HttpDate(state->expires_ms);
            return r;
          },
          kLongRunning);

  api.Raw("PATCH", "/api/v1/uploads/{id}", "evidence.capture",
          [s](net::Request& request, const Principal& who) -> Result<net::Response> {
            if (auto bad = CheckTusVersion(request)) return *bad;
            if (request.header("Content-Type") != "application/offset+octet-stream")
              return Tus(net::ErrorResponse(415, "unsupported_media_type",
                                            "PATCH needs Content-Type: application/offset+octet-stream",
                                            "Content-Type"));
            auto offset = HeaderNumber(request, "Upload-Offset");
            if (!offset.ok()) return TusError(offset.error());
            auto state = s->Patch(who, request.params["id"], *offset, request.body);
            if (!state.ok()) return TusError(state.error());
            net::Response r = Empty(204);
            r.headers["Upload-Offset"] = std::to_string(state->offset);
            if (state->item_id) r.headers["Evidence-Item"] = std::to_string(*state->item_id);
            if (state->expires_ms) r.headers["Upload-Expires"] = HttpDate(state->expires_ms);
            return r;
          },
          kLongRunning);

  api.Raw("DELETE", "/api/v1/uploads/{id}", "evidence.capture",
          [s](net::Request& request, const Principal& who) -> Result<net::Response> {
            if (auto bad = CheckTusVersion(request)) return *bad;
            auto done = s->Terminate(who, request.params["id"]);
            if (!done.ok()) return TusError(done.error());
            return Empty(204);
          });

  api.Json("GET", "/api/v1/evidence/items", "evidence.read",
           [s, dbp](net::Request& request, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
             store::Filter filter;
             for (const char* column : {"case_id", "event_id"}) {
               SL_ASSIGN_OR_RETURN(auto v, api::QueryInt(request, column, 1, INT64_MAX));
               if (v) filter.Add(std::string(column) + " = ?", {*v});
             }
             if (auto mode = request.query_param("mode"); mode && !mode->empty()) {
               if (!IsMode(*mode))
                 return Error::BadRequest("mode must be one of photo, video, audio, scan, record, signature, "
                                          "track, bodycam",
                                          "mode");
               filter.Add("mode = ?", {*mode});
             }
             if (auto officer = request.query_param("officer"); officer && !officer->empty())
               filter.Add("officer = ?", {*officer});
             for (const char* column : {"inspection_id", "upload_id"})
               if (auto v = request.query_param(column); v && !v->empty()) filter.Add(std::string(column) + " = ?", {*v});
             std::string where;
             store::Params params;
             s->VisibleTo(who, where, params);
             if (!where.empty()) filter.Add(where.substr(5), params);  // drop the leading " AND "
             auto lease = dbp->Acquire();
             SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(*lease, "*", "evidence_items", filter, "id DESC",
                                                                    paging.limit, paging.offset));
             return api::PageReply(page, ItemJson);
           });

  api.Json("GET", "/api/v1/evidence/items/{id}", "evidence.read",
           [s, dbp](net::Request& request, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
             SL_ASSIGN_OR_RETURN(store::Row item, s->Item(who, id));
             auto lease = dbp->Acquire();
             SL_ASSIGN_OR_RETURN(auto custody,
                                 lease->Query("SELECT * FROM evidence_custody WHERE item_id = ? ORDER BY id", {id}));
             std::string json = ItemJson(item);
             json.pop_back();
             json += ",\"manifest\":" + item.str("manifest") + ",\"custody\":[";
             for (size_t i = 0; i < custody.size(); ++i) json += (i ? "," : "") + CustodyJson(custody[i]);
             return Reply::Ok(json + "]}");
           });

  api.Raw("GET", "/api/v1/evidence/items/{id}/content", "evidence.read",
          [s](net::Request& request, const Principal& who) -> Result<net::Response> {
            SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
            SL_ASSIGN_OR_RETURN(store::Row row, s->Item(who, id));
            SL_ASSIGN_OR_RETURN(std::string bytes, s->Content(who, row));
            const std::string type = row.str("content_type").empty() ? "application/octet-stream" : row.str("content_type");
            net::Response r = net::Response::Text(200, std::move(bytes), type);
            r.headers["Digest"] = "sha-256=" + row.str("sha256");
            r.headers["Cache-Control"] = "private, no-store";
            r.headers["X-Content-Type-Options"] = "nosniff";
            // The type is what the uploader declared: never let the browser run it.
            r.headers["Content-Security-Policy"] = "sandbox; default-src 'none'";
            r.headers["Content-Disposition"] = "attachment; filename=\"evidence-" + std::to_string(id) + "\"";
            return r;
          },
          kLongRunning);

  api.Json("POST", "/api/v1/evidence/items/{id}/transfer", "evidence.transfer",
           [s, dbp](net::Request& request, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
             SL_ASSIGN_OR_RETURN(std::string to, json::RequiredString(body, "to", 200));
             if (to.empty()) return Error::BadRequest("to names who receives the evidence", "to");
             SL_ASSIGN_OR_RETURN(auto reason, json::OptionalString(body, "reason", 500));
             SL_ASSIGN_OR_RETURN(store::Row item, s->Item(who, id));
             SL_ASSIGN_OR_RETURN(int64_t custody_id,
                                 s->RecordCustody(who, item, "transferred",
                                                  "to " + to + (reason && !reason->empty() ? ": " + *reason : "")));
             auto lease = dbp->Acquire();
             SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT * FROM evidence_custody WHERE id = ?", {custody_id}));
             return Reply::Created(CustodyJson(*row));
           });

  api.Json("GET", "/api/v1/evidence/shares", "evidence.read",
           [dbp](net::Request& request, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
             store::Filter filter;
             if (who.role == auth::Role::kPartner) filter.Add("department_id = ?", {who.department_id});
             auto lease = dbp->Acquire();
             SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(*lease, "*", "evidence_shares", filter, "id DESC",
                                                                    paging.limit, paging.offset));
             return api::PageReply(page, [](const store::Row& r) {
               return "{\"id\":" + std::to_string(r.i64("id")) + ",\"case_id\":" + OptIdJson(r, "case_id") +
                      ",\"item_id\":" + OptIdJson(r, "item_id") + ",\"department_id\":" +
                      std::to_string(r.i64("department_id")) + ",\"shared_by\":" + std::to_string(r.i64("shared_by")) +
                      ",\"shared_at\":\"" + FormatIso8601China(r.i64("shared_at")) + "\"}";
             });
           });

  api.Json("POST", "/api/v1/evidence/shares", "evidence.share",
           [s](net::Request& request, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
             SL_ASSIGN_OR_RETURN(int64_t department_id, json::RequiredInt(body, "department_id"));
             SL_ASSIGN_OR_RETURN(auto case_id, json::OptionalInt(body, "case_id"));
             SL_ASSIGN_OR_RETURN(auto item_id, json::OptionalInt(body, "item_id"));
             SL_ASSIGN_OR_RETURN(std::string created, s->ShareWith(who, case_id, item_id, department_id));
             return Reply::Created(created);
           });

  api.Raw("GET", "/api/v1/evidence/bundle", "evidence.bundle",
          [s](net::Request& request, const Principal& who) -> Result<net::Response> {
            SL_ASSIGN_OR_RETURN(auto case_id, api::QueryInt(request, "case_id", 1, INT64_MAX));
            SL_ASSIGN_OR_RETURN(auto item_id, api::QueryInt(request, "item_id", 1, INT64_MAX));
            std::string name;
            SL_ASSIGN_OR_RETURN(std::string tar, s->BundleTar(who, case_id, item_id, &name));
            net::Response r = net::Response::Text(200, std::move(tar), "application/x-tar");
            r.headers["Content-Disposition"] = "attachment; filename=\"" + name + ".tar\"";
            r.headers["Cache-Control"] = "private, no-store";
            return r;
          },
          kLongRunning);
}

}  // namespace sl::evidence
