#include "subjects/subject_routes.h"

#include <algorithm>
#include <cmath>

#include "auth/audit.h"
#include "common/json.h"
#include "common/time.h"

namespace sl::subjects {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

const std::vector<std::string> kKinds = {"shop",         "restaurant",       "market", "construction_site",
                                         "transport_company", "parking_operator", "other"};
const std::vector<std::string> kGrades = {"A", "B", "C", "D"};

constexpr const char* kColumns =
    "s.id, s.code, s.name, s.kind, s.category, s.address, s.town_id, t.name AS town, s.grid_id, "
    "COALESCE(g.code, '') AS grid_code, s.lon, s.lat, s.contact_name, s.contact_phone, s.credit_code, "
    "s.credit_grade";
constexpr const char* kFrom =
    "subjects s JOIN towns t ON t.id = s.town_id LEFT JOIN grids g ON g.id = s.grid_id";

Result<std::optional<store::Row>> LoadSubject(store::Connection& conn, int64_t id) {
  return conn.QueryOne(std::string("SELECT ") + kColumns + " FROM " + kFrom + " WHERE s.id = ?", {id});
}

// The JSON text of one subject; coordinates printed with six decimals.
std::string SubjectJson(const store::Row& r) {
  bj::object o;
  o["id"] = r.i64("id");
  o["code"] = r.str("code");
  o["ecode"] = r.str("code");
  o["name"] = r.str("name");
  o["kind"] = r.str("kind");
  o["category"] = r.str("category");
  o["address"] = r.str("address");
  o["town_id"] = r.i64("town_id");
  o["town"] = r.str("town");
  o["grid_id"] = r.is_null("grid_id") ? bj::value(nullptr) : bj::value(r.i64("grid_id"));
  o["grid_code"] = r.str("grid_code");
  o["contact_name"] = r.str("contact_name");
  o["contact_phone"] = r.str("contact_phone");
  o["credit_code"] = r.str("credit_code");
  o["credit_grade"] = r.str("credit_grade");
  std::string text = json::Serialize(o);
  text.pop_back();
  return text + ",\"lon\":" + json::FormatFixed(r.f64("lon"), 6) + ",\"lat\":" + json::FormatFixed(r.f64("lat"), 6) +
         "}";
}

Result<Reply> ListSubjects(store::Database& db, net::Request& request) {
  SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
  SL_ASSIGN_OR_RETURN(auto town_id, api::QueryInt(request, "town_id", 1, INT64_MAX));
  store::Filter filter;
  if (town_id) filter.Add("s.town_id = ?", {*town_id});
  if (auto kind = request.query_param("kind"); kind && !kind->empty()) filter.Add("s.kind = ?", {*kind});
  if (auto grade = request.query_param("credit_grade"); grade && !grade->empty())
    filter.Add("s.credit_grade = ?", {*grade});
  if (auto q = request.query_param("q"); q && !q->empty())
    filter.Add("s.name LIKE ? OR s.address LIKE ? OR s.code = ?", {"%" + *q + "%", "%" + *q + "%", *q});
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(store::Page page,
                      store::QueryPage(*lease, kColumns, kFrom, filter, "s.id", paging.limit, paging.offset));
  return api::PageReply(page, SubjectJson);
}

Result<Reply> GetSubject(store::Database& db, net::Request& request) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto row, LoadSubject(*lease, id));
  if (!row) return Error::NotFound("no subject with id " + std::to_string(id));
  return Reply::Ok(SubjectJson(*row));
}

Result<double> RequiredCoordinate(const bj::object& body, const char* field, double min, double max) {
  auto it = body.find(field);
  if (it == body.end() || !it->value().is_number())
    return Error::BadRequest(std::string(field) + " is required and must be a number", field);
  const double v = it->value().to_number<double>();
  if (!std::isfinite(v) || v < min || v > max)
    return Error::BadRequest(std::string(field) + " is out of range", field);
  return v;
}

Result<Reply> CreateSubject(store::Database& db, EventBus& bus, const Clock& clock, net::Request& request,
                            const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  SL_ASSIGN_OR_RETURN(std::string code, json::RequiredString(body, "code", 32));
  SL_ASSIGN_OR_RETURN(std::string name, json::RequiredString(body, "name", 128));
  SL_ASSIGN_OR_RETURN(std::string kind, json::RequiredString(body, "kind", 32));
  if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end())
    return Error::BadRequest("kind is not a known subject kind", "kind");
  SL_ASSIGN_OR_RETURN(auto category, json::OptionalString(body, "category", 64));
  SL_ASSIGN_OR_RETURN(std::string address, json::RequiredString(body, "address", 256));
  SL_ASSIGN_OR_RETURN(int64_t town_id, json::RequiredInt(body, "town_id"));
  SL_ASSIGN_OR_RETURN(double lon, RequiredCoordinate(body, "lon", -180, 180));
  SL_ASSIGN_OR_RETURN(double lat, RequiredCoordinate(body, "lat", -90, 90));
  SL_ASSIGN_OR_RETURN(auto contact_name, json::OptionalString(body, "contact_name", 64));
  SL_ASSIGN_OR_RETURN(auto contact_phone, json::OptionalString(body, "contact_phone", 32));
  SL_ASSIGN_OR_RETURN(auto credit_code, json::OptionalString(body, "credit_code", 18));
  SL_ASSIGN_OR_RETURN(auto grade, json::OptionalString(body, "credit_grade", 1));
  if (grade && std::find(kGrades.begin(), kGrades.end(), *grade) == kGrades.end())
    return Error::BadRequest("credit_grade must be A, B, C or D", "credit_grade");
  std::string created;
  SL_TRY(auth::AuditedWrite(
      db, bus, clock, auth::AuditFor(who, "subject.create", "subject", ""),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        // The unit grid is the one whose cell holds the point, if any.
        SL_ASSIGN_OR_RETURN(auto grid, tx.QueryOne("SELECT id FROM grids WHERE min_lon <= ? AND max_lon > ? AND "
                                                   "min_lat <= ? AND max_lat > ? AND town_id = ? LIMIT 1",
                                                   {lon, lon, lat, lat, town_id}));
        auto rows = tx.Query(
            "INSERT INTO subjects (code, name, kind, category, address, town_id, grid_id, lon, lat, contact_name, "
            "contact_phone, credit_code, credit_grade, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            {code, name, kind, category.value_or(""), address, town_id,
             grid ? store::Value(grid->i64("id")) : store::Value(), lon, lat, contact_name.value_or(""),
             contact_phone.value_or(""), credit_code.value_or(""), grade.value_or("B"), clock.NowMs()});
        if (!rows.ok()) {
          if (rows.error().code == ErrorCode::kConflict) return Error::Conflict("e-code is taken", "code");
          return api::ReferenceError(std::move(rows).error(), "town_id");
        }
        const int64_t id = rows->at(0).i64("id");
        SL_ASSIGN_OR_RETURN(auto row, LoadSubject(tx, id));
        created = SubjectJson(*row);
        entry.object_id = std::to_string(id);
        entry.after_digest = auth::DigestOf(created);
        return {};
      }));
  return Reply::Created(created);
}

}  // namespace

void RegisterSubjectRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock) {
  api.Json("GET", "/api/v1/subjects", "subjects.read",
           [&db](net::Request& request, const Principal&) { return ListSubjects(db, request); });
  api.Json("GET", "/api/v1/subjects/{id}", "subjects.read",
           [&db](net::Request& request, const Principal&) { return GetSubject(db, request); });
  api.Json("POST", "/api/v1/subjects", "subjects.write", [&](net::Request& request, const Principal& who) {
    return CreateSubject(db, bus, clock, request, who);
  });
}

}  // namespace sl::subjects
