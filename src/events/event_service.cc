#include "events/event_service.h"
#include "events/photo_metadata.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "auth/audit.h"
#include "common/geo.h"
#include "common/json.h"
#include "common/time.h"
#include "events/indicators.h"

namespace sl::events {

namespace bj = boost::json;

namespace {

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }

std::string MonthOf(int64_t ms) { return FormatDateChina(ms).substr(0, 7); }

std::string PhotosJson(const std::vector<std::string>& photos) {
  bj::array a;
  for (const auto& p : photos) a.emplace_back(p);
  return json::Serialize(a);
}

store::Value OptId(int64_t id) { return id ? store::Value(id) : store::Value(); }

}  // namespace

std::string EventCode(int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "TX%08lld", static_cast<long long>(id));
  return buf;
}

std::optional<int64_t> IdFromCode(std::string_view code) {
  if (code.size() < 3 || code.size() > 20 || code.substr(0, 2) != "TX") return std::nullopt;
  int64_t id = 0;
  for (char c : code.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  if (id <= 0 || EventCode(id) != code) return std::nullopt;
  return id;
}

std::string EventCreated::ToJson() const {
  std::string out = "{\"id\":" + std::to_string(id) + ",\"code\":" + Quoted(code) + ",\"category\":" +
                    Quoted(category) + ",\"category_name\":" + Quoted(category_name) + ",\"source\":" +
                    Quoted(source) + ",\"title\":" + Quoted(title) + ",\"town_id\":" +
                    (town_id ? std::to_string(town_id) : "null");
  if (lon && lat)
    out += ",\"lon\":" + json::FormatFixed(*lon, 6) + ",\"lat\":" + json::FormatFixed(*lat, 6);
  return out + "}";
}

std::string EventStepped::ToJson() const {
  return "{\"id\":" + std::to_string(id) + ",\"code\":" + Quoted(code) + ",\"action\":" + Quoted(action) +
         ",\"from\":" + Quoted(from) + ",\"to\":" + Quoted(to) + "}";
}

std::string EventDeadline::ToJson() const {
  return "{\"id\":" + std::to_string(id) + ",\"code\":" + Quoted(code) + ",\"status\":" + Quoted(status) +
         ",\"level\":" + Quoted(level) + ",\"deadline\":\"" + FormatIso8601China(deadline_ms) + "\"}";
}

Result<Category> CategoryFromRow(const store::Row& r) {
  Category c;
  c.code = r.str("code");
  c.name = r.str("name");
  c.name_en = r.str("name_en");
  c.parent_code = r.str("parent_code");
  c.ten_chaos = r.i64("ten_chaos") != 0;
  c.is_public = r.i64("public") != 0;
  c.active = r.i64("active") != 0;
  c.sort = static_cast<int>(r.i64("sort"));
  SL_ASSIGN_OR_RETURN(c.limits.file, ParseTimeLimit(r.str("file_limit"), "file_limit"));
  SL_ASSIGN_OR_RETURN(c.limits.dispatch, ParseTimeLimit(r.str("dispatch_limit"), "dispatch_limit"));
  SL_ASSIGN_OR_RETURN(c.limits.handle, ParseTimeLimit(r.str("handle_limit"), "handle_limit"));
  SL_ASSIGN_OR_RETURN(c.limits.verify, ParseTimeLimit(r.str("verify_limit"), "verify_limit"));
  return c;
}

Result<std::pair<int64_t, int64_t>> ResolveLocation(store::Connection& conn, double lon, double lat) {
  SL_ASSIGN_OR_RETURN(auto grid, conn.QueryOne("SELECT id, town_id FROM grids WHERE min_lon <= ? AND max_lon > ? AND "
                                               "min_lat <= ? AND max_lat > ? ORDER BY id LIMIT 1",
                                               {lon, lon, lat, lat}));
  if (grid) return std::pair<int64_t, int64_t>{grid->i64("town_id"), grid->i64("id")};
  SL_ASSIGN_OR_RETURN(auto towns, conn.Query("SELECT id, geometry FROM towns WHERE min_lon <= ? AND max_lon >= ? AND "
                                             "min_lat <= ? AND max_lat >= ? ORDER BY id",
                                             {lon, lon, lat, lat}));
  for (const store::Row& t : towns) {
    boost::system::error_code ec;
    bj::value g = bj::parse(t.str("geometry"), ec);
    if (ec || !g.is_object()) continue;
    const bj::object& o = g.as_object();
    if (!o.contains("coordinates")) continue;
    std::vector<const bj::array*> polygons;
    const bj::array& coords = o.at("coordinates").as_array();
    if (o.contains("type") && o.at("type") == "MultiPolygon") {
      for (const auto& p : coords) polygons.push_back(&p.as_array());
    } else {
      polygons.push_back(&coords);
    }
    for (const bj::array* polygon : polygons) {
      if (polygon->empty()) continue;
      geo::Ring ring;
      for (const auto& pt : polygon->at(0).as_array())
        ring.push_back({pt.as_array()[0].to_number<double>(), pt.as_array()[1].to_number<double>()});
      if (geo::PointInPolygon({lon, lat}, ring)) return std::pair<int64_t, int64_t>{t.i64("id"), 0};
    }
  }
  return std::pair<int64_t, int64_t>{0, 0};
}

EventService::EventService(store::Database& db, EventBus& bus, const Clock& clock, const WorkingCalendar& calendar,
                           BlobStore& blobs)
    : db_(db), bus_(bus), clock_(clock), calendar_(calendar), blobs_(blobs) {}

EventService::~EventService() {
  if (intake_subscription_) bus_.Unsubscribe(intake_subscription_);
  {
    std::lock_guard lock(watch_mutex_);
    stopping_ = true;
  }
  watch_cv_.notify_all();
  if (watch_.joinable()) watch_.join();
  if (intake_worker_.joinable()) intake_worker_.join();
}

void EventService::SubscribeIntake() {
  if (intake_subscription_) return;
  intake_worker_ = std::thread([this] {
    std::unique_lock lock(watch_mutex_);
    while (true) {
      watch_cv_.wait(lock, [this] { return stopping_ || !intakes_.empty(); });
      if (intakes_.empty()) return;  // stopping, and everything queued is filed
      EventIntake intake = std::move(intakes_.front());
      intakes_.pop_front();
      ++intakes_in_flight_;
      lock.unlock();
      OnIntake(intake);
      lock.lock();
      --intakes_in_flight_;
    }
  });
  intake_subscription_ = bus_.Subscribe<EventIntake>([this](const EventIntake& intake) {
    {
      std::lock_guard lock(watch_mutex_);
      intakes_.push_back(intake);
    }
    watch_cv_.notify_all();
  });
}

size_t EventService::PendingIntakes() {
  std::lock_guard lock(watch_mutex_);
  return intakes_.size() + intakes_in_flight_;
}

void EventService::StartDeadlineWatch(int64_t period_ms) {
  if (watch_.joinable()) return;
  watch_ = std::thread([this, period_ms] {
    std::unique_lock lock(watch_mutex_);
    while (!stopping_) {
      lock.unlock();
      auto scanned = ScanDeadlines();
      if (!scanned.ok()) std::fprintf(stderr, "events: deadline scan failed: %s\n", scanned.error().message.c_str());
      lock.lock();
      watch_cv_.wait_for(lock, std::chrono::milliseconds(period_ms), [this] { return stopping_; });
    }
  });
}

void EventService::OnIntake(const EventIntake& intake) {
  NewEvent e;
  e.category = intake.category;
  e.source = intake.source;
  e.source_ref = intake.source_ref;
  e.title = intake.title;
  e.description = intake.description;
  if (intake.lon != 0 || intake.lat != 0) e.lon = intake.lon, e.lat = intake.lat;
  e.occurred_at_ms = intake.occurred_at_ms;
  e.media_url = intake.evidence_url;
  auth::Principal who = auth::Principal{};
  who.username = "system";
  who.user_id = intake.reported_by;
  who.role = auth::Role::kAdmin;
  auto collected = Collect(who, e);
  if (!collected.ok()) {
    // An unknown category from a module is filed as "other" rather than lost.
    if (collected.error().field == "category") {
      e.category = "other";
      collected = Collect(who, e);
    }
    if (!collected.ok()) {
      std::fprintf(stderr, "events: intake %s/%s refused: %s\n", intake.source.c_str(), intake.source_ref.c_str(),
                   collected.error().message.c_str());
      return;
    }
  }
  bus_.Publish(EventIntakeAccepted{intake.source, intake.source_ref, collected->id, collected->created});
}

Result<std::vector<Category>> EventService::Categories() {
  auto lease = db_.Acquire();
  SL_ASSIGN_OR_RETURN(auto rows, lease->Query("SELECT * FROM event_categories ORDER BY sort, code"));
  std::vector<Category> out;
  for (const auto& r : rows) {
    SL_ASSIGN_OR_RETURN(Category c, CategoryFromRow(r));
    out.push_back(std::move(c));
  }
  return out;
}

Result<Category> EventService::FindCategory(const std::string& code) {
  auto lease = db_.Acquire();
  SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT * FROM event_categories WHERE code = ?", {code}));
  if (!row) return Error::BadRequest("no event category '" + code + "'", "category");
  return CategoryFromRow(*row);
}

Status EventService::SaveCategory(const auth::Principal& who, const Category& c) {
  if (c.code.empty() || c.code.size() > 40 || c.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
                                                   std::string::npos)
    return Error::BadRequest("code must be 1 to 40 lower-case letters, digits or '_'", "code");
  if (c.name.empty() || c.name.size() > 64) return Error::BadRequest("name must be 1 to 64 bytes", "name");
  if (c.parent_code == c.code) return Error::BadRequest("a category cannot be its own parent", "parent_code");
  return auth::AuditedWrite(
      db_, bus_, clock_, auth::AuditFor(who, "events.category.save", "event_category", c.code),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        if (!c.parent_code.empty()) {
          SL_ASSIGN_OR_RETURN(auto parent, tx.QueryOne("SELECT code FROM event_categories WHERE code = ?",
                                                       {c.parent_code}));
          if (!parent) return Error::BadRequest("no parent category '" + c.parent_code + "'", "parent_code");
        }
        SL_ASSIGN_OR_RETURN(auto before, tx.QueryOne("SELECT * FROM event_categories WHERE code = ?", {c.code}));
        const store::Params values{c.name,
                                   c.name_en,
                                   c.parent_code,
                                   int64_t{c.ten_chaos},
                                   int64_t{c.is_public},
                                   FormatTimeLimit(c.limits.file),
                                   FormatTimeLimit(c.limits.dispatch),
                                   FormatTimeLimit(c.limits.handle),
                                   FormatTimeLimit(c.limits.verify),
                                   int64_t{c.active},
                                   int64_t{c.sort},
                                   c.code};
        if (before) {
          entry.before_digest = auth::DigestOf(json::Serialize(bj::value(before->str("file_limit") + "|" +
                                                                         before->str("handle_limit") + "|" +
                                                                         before->str("name"))));
          SL_TRY(tx.Execute("UPDATE event_categories SET name = ?, name_en = ?, parent_code = ?, ten_chaos = ?, "
                            "public = ?, file_limit = ?, dispatch_limit = ?, handle_limit = ?, verify_limit = ?, "
                            "active = ?, sort = ? WHERE code = ?",
                            values));
        } else {
          SL_TRY(tx.Execute("INSERT INTO event_categories (name, name_en, parent_code, ten_chaos, public, file_limit, "
                            "dispatch_limit, handle_limit, verify_limit, active, sort, code) VALUES "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            values));
        }
        entry.after_digest = auth::DigestOf(json::Serialize(bj::value(FormatTimeLimit(c.limits.file) + "|" +
                                                                      FormatTimeLimit(c.limits.handle) + "|" + c.name)));
        return {};
      });
}

Result<std::string> EventService::StorePhoto(std::string_view bytes, const std::string& client) {
  if (bytes.size() > kMaxPhotoBytes)
    return Error::TooLarge("a photo may have at most " + std::to_string(kMaxPhotoBytes / (1024 * 1024)) +
                           " MiB; this one has " + std::to_string(bytes.size()) + " bytes");
  if (bytes.empty()) return Error::BadRequest("the photo is empty", "photo");
  const std::string type = SniffImageType(bytes);
  if (type.empty())
    return Error::BadRequest("the photo is not a JPEG, PNG or WebP image (judged by its content)", "photo");
  SL_ASSIGN_OR_RETURN(std::string sha, blobs_.Put(bytes));
  // The public copy without metadata, content-addressed like the original;
  // bytes whose structure cannot be walked get no public copy (staff only).
  store::Value public_sha;
  if (auto stripped = StripPhotoMetadata(bytes); stripped.ok()) {
    SL_ASSIGN_OR_RETURN(std::string copy, blobs_.Put(*stripped));
    public_sha = copy;
  }
  auto lease = db_.Acquire();
  SL_TRY(lease->Execute("INSERT INTO event_photos (sha256, content_type, size, uploaded_at, client, public_sha256) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                        {sha, type, static_cast<int64_t>(bytes.size()), clock_.NowMs(), client, public_sha}));
  return sha;
}

Result<Collected> EventService::Collect(const auth::Principal& who, const NewEvent& e) {
  return CollectLocked(who, e);
}

Result<Collected> EventService::CollectLocked(const auth::Principal& who, const NewEvent& e) {
  if (e.source.empty() || e.source.size() > 32) return Error::BadRequest("source must be 1 to 32 bytes", "source");
  if (e.source_ref.size() > 128) return Error::BadRequest("source_ref may have at most 128 bytes", "source_ref");
  if (e.description.size() > 4000) return Error::BadRequest("description may have at most 4000 bytes", "description");
  if (e.title.size() > 200) return Error::BadRequest("title may have at most 200 bytes", "title");
  if (e.address.size() > 300) return Error::BadRequest("address may have at most 300 bytes", "address");
  if (e.lon.has_value() != e.lat.has_value()) return Error::BadRequest("give both lon and lat, or neither", "lat");
  if (e.lon && (!std::isfinite(*e.lon) || !std::isfinite(*e.lat) || *e.lon < -180 || *e.lon > 180 || *e.lat < -90 ||
                *e.lat > 90))
    return Error::BadRequest("lon/lat are out of range", "lon");
  if (!e.lon && e.address.empty()) return Error::BadRequest("give a location (lon/lat) or an address", "address");
  if (e.photos.size() > 9) return Error::BadRequest("at most 9 photos", "photos");
  SL_ASSIGN_OR_RETURN(Category category, FindCategory(e.category));
  if (!category.active) return Error::BadRequest("category '" + e.category + "' is no longer in use", "category");

  const int64_t now = clock_.NowMs();
  const int64_t occurred = e.occurred_at_ms ? e.occurred_at_ms : now;
  if (occurred > now + 5 * 60'000) return Error::BadRequest("occurred_at is in the future", "occurred_at");
  const int64_t file_deadline = DeadlineOf(calendar_, now, category.limits.file);
  const std::string title = e.title.empty() ? category.name : e.title;

  Collected out;
  int64_t town_id = 0;
  auth::AuditEntry audit = auth::AuditFor(who, "events.collect", "event", "");
  if (who.user_id == 0) audit.actor = who.username.empty() ? "anonymous" : who.username;
  Status written = auth::AuditedWrite(db_, bus_, clock_, audit, [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
    if (!e.source_ref.empty()) {
      SL_ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT id, code FROM events WHERE source = ? AND source_ref = ?",
                                                     {e.source, e.source_ref}));
      if (existing) {
        out = {existing->i64("id"), existing->str("code"), false};
        return Error::Conflict("duplicate", "source_ref");  // rolls back the (empty) audit; handled below
      }
    }
    for (const std::string& photo : e.photos) {
      if (!IsSha256Hex(photo)) return Error::BadRequest("photos must be SHA-256 names of uploaded photos", "photos");
      SL_ASSIGN_OR_RETURN(auto known, tx.QueryOne("SELECT sha256 FROM event_photos WHERE sha256 = ?", {photo}));
      if (!known) return Error::BadRequest("photo " + photo + " has not been uploaded", "photos");
    }
    int64_t grid_id = 0;
    if (e.lon) {
      SL_ASSIGN_OR_RETURN(auto where, ResolveLocation(tx, *e.lon, *e.lat));
      town_id = where.first;
      grid_id = where.second;
    }
    const std::string temp_code = "new-" + std::to_string(now) + "-" + std::to_string(reinterpret_cast<uintptr_t>(&out));
    SL_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query("INSERT INTO events (code, category_code, source, source_ref, title, description, address, lon, lat, "
                 "town_id, grid_id, status, reporter_id, reporter_contact, photos, media_url, occurred_at, created_at, "
                 "month, updated_at, step_started, step_deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 {temp_code, category.code, e.source,
                  e.source_ref.empty() ? store::Value() : store::Value(e.source_ref), title, e.description, e.address,
                  e.lon ? store::Value(*e.lon) : store::Value(), e.lat ? store::Value(*e.lat) : store::Value(),
                  OptId(town_id), OptId(grid_id), std::string(StatusName(State::kCollected)), who.user_id,
                  e.reporter_contact, PhotosJson(e.photos), e.media_url, occurred, now, MonthOf(now), now, now,
                  file_deadline}));
    out.id = rows.at(0).i64("id");
    out.code = EventCode(out.id);
    SL_TRY(tx.Execute("UPDATE events SET code = ? WHERE id = ?", {out.code, out.id}));
    SL_ASSIGN_OR_RETURN(auto created_row, tx.QueryOne("SELECT * FROM events WHERE id = ?", {out.id}));
    SL_TRY(ApplyRollup(tx, *created_row, +1));
    SL_TRY(tx.Execute("INSERT INTO event_steps (event_id, action, from_status, to_status, at_ms, actor_id, actor, "
                      "role, note, deadline, photos) VALUES (?, 'collect', '', 'collected', ?, ?, ?, ?, ?, ?, ?)",
                      {out.id, now, who.user_id, entry.actor, entry.role, e.source, file_deadline,
                       PhotosJson(e.photos)}));
    entry.object_id = std::to_string(out.id);
    entry.after_digest = auth::DigestOf(out.code + "|" + category.code + "|" + e.description);
    entry.detail = e.source + " " + out.code;
    return {};
  });
  if (!written.ok()) {
    if (written.error().code == ErrorCode::kConflict && !out.created) return out;
    // A concurrent intake of the same (source, source_ref) lost the race to the unique index.
    if (written.error().code == ErrorCode::kConflict && !e.source_ref.empty()) {
      auto lease = db_.Acquire();
      SL_ASSIGN_OR_RETURN(auto existing, lease->QueryOne("SELECT id, code FROM events WHERE source = ? AND "
                                                         "source_ref = ?",
                                                         {e.source, e.source_ref}));
      if (existing) return Collected{existing->i64("id"), existing->str("code"), false};
    }
    return std::move(written).error();
  }
  bus_.Publish(EventCreated{out.id, out.code, category.code, category.name, e.source, title, town_id, e.lon, e.lat});
  return out;
}

Result<State> EventService::Act(int64_t event_id, const auth::Principal& who, const StepInput& in) {
  const int64_t now = clock_.NowMs();
  State from = State::kCollected, to = State::kCollected;
  std::string code;
  auth::AuditEntry audit = auth::AuditFor(who, "events." + std::string(ActionName(in.action)), "event",
                                          std::to_string(event_id));
  SL_TRY(auth::AuditedWrite(db_, bus_, clock_, audit, [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
    SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT * FROM events WHERE id = ?", {event_id}));
    if (!row) return Error::NotFound("no event " + std::to_string(event_id));
    code = row->str("code");
    auto parsed = ParseStatus(row->str("status"));
    if (!parsed) return Error::Internal("event " + code + " has an unknown status");
    from = *parsed;
    SL_ASSIGN_OR_RETURN(to, Transition(from, in.action, who.role));
    SL_ASSIGN_OR_RETURN(auto cat_row, tx.QueryOne("SELECT * FROM event_categories WHERE code = ?",
                                                  {row->str("category_code")}));
    SL_ASSIGN_OR_RETURN(Category category, CategoryFromRow(*cat_row));
    entry.before_digest = auth::DigestOf(code + "|" + row->str("status") + "|" + std::to_string(row->i64("updated_at")));

    std::string set = "status = ?, updated_at = ?, step_started = ?, warn_level = 0";
    store::Params params{std::string(StatusName(to)), now, now};
    auto add = [&set, &params](const char* column, store::Value v) {
      set += std::string(", ") + column + " = ?";
      params.push_back(std::move(v));
    };
    std::optional<int64_t> step_deadline;
    int64_t step_department = 0, step_assignee = 0;
    const std::string note = in.note;
    if (note.size() > 2000) return Error::BadRequest("note may have at most 2000 bytes", "note");
    // Who may take the officer's steps: the officer dispatched to, or any
    // officer of the department when none was named.
    auto check_assignee = [&]() -> Status {
      const int64_t assignee = row->opt_i64("assignee_id").value_or(0);
      const int64_t department = row->opt_i64("department_id").value_or(0);
      if (assignee ? assignee != who.user_id : department != who.department_id)
        return Error::Forbidden("event " + code + " was dispatched to " +
                                (assignee ? "another officer" : "another department") +
                                "; only they may take the step '" + std::string(StepOf(in.action)) + "'");
      return {};
    };
    switch (in.action) {
      case Action::kFile:
        step_deadline = DeadlineOf(calendar_, now, category.limits.dispatch);
        add("filed_at", now);
        break;
      case Action::kReject:
        if (note.empty()) return Error::BadRequest("give the reason for not filing", "note");
        add("status_note", note);
        break;
      case Action::kDispatch: {
        if (in.department_id <= 0) return Error::BadRequest("department_id is required to dispatch", "department_id");
        SL_ASSIGN_OR_RETURN(auto dept, tx.QueryOne("SELECT id, kind FROM departments WHERE id = ?", {in.department_id}));
        if (!dept) return Error::BadRequest("department_id does not exist", "department_id");
        if (dept->str("kind") == "partner")
          return Error::BadRequest("events are dispatched to the bureau's own departments, not partner agencies",
                                   "department_id");
        if (in.assignee_id) {
          SL_ASSIGN_OR_RETURN(auto user, tx.QueryOne("SELECT id, role, department_id, disabled FROM users WHERE id = ?",
                                                     {in.assignee_id}));
          if (!user || user->i64("disabled")) return Error::BadRequest("assignee_id is not an active user", "assignee_id");
          if (user->str("role") != "officer")
            return Error::BadRequest("assignee_id must be an officer (auxiliary staff may not handle events, "
                                     "Zhejiang regulation Art. 30)",
                                     "assignee_id");
          // The officer works for the department the job goes to: otherwise
          // neither the department nor the officer could see it through.
          if (user->opt_i64("department_id").value_or(0) != in.department_id)
            return Error::BadRequest("assignee_id is not an officer of the department dispatched to", "assignee_id");
        }
        // The category's handling limit is the longest the command centre may
        // give; a shorter limit or an earlier deadline tightens the job.
        const int64_t longest = DeadlineOf(calendar_, now, category.limits.handle);
        int64_t handle_deadline = longest;
        if (in.deadline_ms) {
          if (*in.deadline_ms <= now) return Error::BadRequest("deadline is in the past", "deadline");
          if (*in.deadline_ms > longest)
            return Error::BadRequest("deadline is later than the category's handling limit of " +
                                         FormatTimeLimit(category.limits.handle) + " allows",
                                     "deadline");
          handle_deadline = *in.deadline_ms;
        } else if (in.time_limit) {
          handle_deadline = DeadlineOf(calendar_, now, *in.time_limit);
          if (handle_deadline > longest)
            return Error::BadRequest("time_limit may not exceed the category's handling limit of " +
                                         FormatTimeLimit(category.limits.handle),
                                     "time_limit");
        }
        step_deadline = handle_deadline;
        step_department = in.department_id;
        step_assignee = in.assignee_id;
        add("dispatched_at", now);
        add("department_id", in.department_id);
        add("assignee_id", OptId(in.assignee_id));
        add("handle_deadline", handle_deadline);
        add("close_deadline", DeadlineOf(calendar_, handle_deadline, category.limits.verify));
        break;
      }
      case Action::kHandle:
        SL_TRY(check_assignee());
        step_deadline = row->opt_i64("step_deadline");
        // Taking the job names the officer on it when a department was dispatched.
        if (!row->opt_i64("assignee_id")) add("assignee_id", who.user_id);
        break;
      case Action::kFeedback:
        SL_TRY(check_assignee());
        if (note.empty()) return Error::BadRequest("describe what was done", "note");
        for (const std::string& photo : in.photos) {
          if (!IsSha256Hex(photo)) return Error::BadRequest("photos must be SHA-256 names of uploaded photos", "photos");
          SL_ASSIGN_OR_RETURN(auto known, tx.QueryOne("SELECT sha256 FROM event_photos WHERE sha256 = ?", {photo}));
          if (!known) return Error::BadRequest("photo " + photo + " has not been uploaded", "photos");
        }
        step_deadline = DeadlineOf(calendar_, now, category.limits.verify);
        add("fed_back_at", now);
        if (row->is_null("handled_on_time"))
          add("handled_on_time", int64_t{now <= row->opt_i64("handle_deadline").value_or(INT64_MAX) ? 1 : 0});
        break;
      case Action::kClose:
        add("closed_at", now);
        add("closed_on_time", int64_t{now <= row->opt_i64("close_deadline").value_or(INT64_MAX) ? 1 : 0});
        add("status_note", note);
        break;
      case Action::kRework:
        if (note.empty()) return Error::BadRequest("say what failed verification", "note");
        step_deadline = DeadlineOf(calendar_, now, category.limits.handle);
        add("rework_count", row->i64("rework_count") + 1);
        break;
      case Action::kEvaluate:
        if (in.evaluation < 1 || in.evaluation > 5)
          return Error::BadRequest("evaluation must be 1 (poor) to 5 (excellent)", "evaluation");
        add("evaluation", int64_t{in.evaluation});
        add("evaluated_at", now);
        break;
    }
    add("step_deadline", step_deadline ? store::Value(*step_deadline) : store::Value());
    params.push_back(event_id);
    params.push_back(row->str("status"));
    SL_ASSIGN_OR_RETURN(int64_t changed,
                        tx.Execute("UPDATE events SET " + set + " WHERE id = ? AND status = ?", params));
    if (changed != 1)
      return Error::Conflict("event " + code + " changed while this step was taken; reload it", "action");
    SL_ASSIGN_OR_RETURN(auto after, tx.QueryOne("SELECT * FROM events WHERE id = ?", {event_id}));
    SL_TRY(ApplyRollup(tx, *row, -1));
    SL_TRY(ApplyRollup(tx, *after, +1));
    SL_TRY(tx.Execute("INSERT INTO event_steps (event_id, action, from_status, to_status, at_ms, actor_id, actor, "
                      "role, note, department_id, assignee_id, deadline, photos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "?, ?, ?, ?)",
                      {event_id, std::string(ActionName(in.action)), std::string(StatusName(from)),
                       std::string(StatusName(to)), now, who.user_id, entry.actor, entry.role, note,
                       OptId(step_department), OptId(step_assignee),
                       step_deadline ? store::Value(*step_deadline) : store::Value(), PhotosJson(in.photos)}));
    entry.after_digest = auth::DigestOf(code + "|" + std::string(StatusName(to)) + "|" + std::to_string(now));
    entry.detail = code + " " + std::string(StatusName(from)) + " → " + std::string(StatusName(to));
    return {};
  }));
  bus_.Publish(EventStepped{event_id, code, std::string(ActionName(in.action)), std::string(StatusName(from)),
                            std::string(StatusName(to))});
  return to;
}

Result<int> EventService::ScanDeadlines() {
  const int64_t now = clock_.NowMs();
  std::vector<EventDeadline> out;
  {
    auto lease = db_.Acquire();
    // Candidates: deadline within the next day or passed, not yet announced at level 2.
    SL_ASSIGN_OR_RETURN(auto rows, lease->Query("SELECT id, code, status, step_started, step_deadline, warn_level FROM "
                                                "events WHERE step_deadline IS NOT NULL AND step_deadline < ? AND "
                                                "warn_level < 2 AND status NOT IN ('rejected', 'closed', 'evaluated') "
                                                "ORDER BY step_deadline LIMIT 5000",
                                                {now + 24LL * 3600'000}));
    for (const store::Row& r : rows) {
      const DeadlineLevel level = LevelAt(r.i64("step_started"), r.i64("step_deadline"), now);
      if (static_cast<int>(level) <= r.i64("warn_level")) continue;
      SL_ASSIGN_OR_RETURN(int64_t changed, lease->Execute("UPDATE events SET warn_level = ? WHERE id = ? AND "
                                                          "warn_level < ? AND step_started = ?",
                                                          {int64_t{static_cast<int>(level)}, r.i64("id"),
                                                           int64_t{static_cast<int>(level)}, r.i64("step_started")}));
      if (changed != 1) continue;  // another scanner or a step got there first
      out.push_back({r.i64("id"), r.str("code"), r.str("status"), level == DeadlineLevel::kNear ? "near" : "overdue",
                     r.i64("step_deadline")});
    }
  }
  for (auto& d : out) bus_.Publish(std::move(d));
  return static_cast<int>(out.size());
}

}  // namespace sl::events
