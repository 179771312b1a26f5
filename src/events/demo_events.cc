#include "events/demo_events.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "common/time.h"
#include "demo/random.h"
#include "events/event_service.h"
#include "events/rules.h"
#include "events/schema.h"

namespace sl::events {

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 24LL * 3600 * 1000;

struct CategoryMix {
  const char* code;
  double weight;
  double summer;  // extra share in May-September (street trade, laundry, fumes)
};
// Street trade and parking dominate the city's cases.
constexpr CategoryMix kMix[] = {
    {"illegal_parking", 22, 0.0},   {"street_vending", 14, 0.5},   {"road_occupation", 14, 0.3},
    {"random_piling", 10, 0.0},     {"garbage_dumping", 9, 0.2},   {"illegal_posting", 7, 0.0},
    {"random_hanging", 5, 0.0},     {"clothes_drying", 4, 0.8},    {"graffiti", 3, 0.0},
    {"illegal_construction", 3, 0.0}, {"construction_waste", 3, 0.0}, {"oil_fume", 2, 0.6},
    {"facility_damage", 3, 0.0},    {"other", 1, 0.0},
};
struct SourceMix {
  const char* source;
  double weight;
};
constexpr SourceMix kSources[] = {{"patrol", 45}, {"camera", 24}, {"public", 12}, {"hotline", 12},
                                  {"sensor", 4},  {"fleet", 3}};

struct Grid {
  int64_t id, town_id;
  double lon, lat;
};

struct Actor {
  int64_t id = 0;
  std::string name, role;
};

}  // namespace

Result<DemoEventReport> LoadDemoEvents(store::Database& db, const DemoEventOptions& options, int64_t now_ms,
                                       const WorkingCalendar& calendar) {
  const auto started = std::chrono::steady_clock::now();
  if (options.first_year_events < 0 || options.first_year_events > 500000)
    return Error::BadRequest("first_year_events must be between 0 and 500000", "first_year_events");
  demo::Random random(options.seed * 0x9E3779B97F4A7C15ULL + 0x5EED0E7E);
  DemoEventReport report;

  Status status = store::WithTransaction(db, [&](store::Connection& conn) -> Status {
    SL_ASSIGN_OR_RETURN(auto existing, conn.QueryOne("SELECT COUNT(*) AS n FROM events"));
    if (existing && existing->i64("n") > 0)
      return Error::Conflict("the database already holds events; the demo history goes into an empty event table");
    // The city: grids (a sample per town keeps memory small), squads per town.
    SL_ASSIGN_OR_RETURN(auto grid_rows, conn.Query("SELECT id, town_id, min_lon, min_lat, max_lon, max_lat FROM grids "
                                                   "WHERE id % 7 = 0 ORDER BY id"));
    if (grid_rows.empty()) return Error::Conflict("generate the demo city first: there are no unit grids");
    std::vector<Grid> grids;
    grids.reserve(grid_rows.size());
    for (const auto& g : grid_rows)
      grids.push_back({g.i64("id"), g.i64("town_id"), (g.f64("min_lon") + g.f64("max_lon")) / 2,
                       (g.f64("min_lat") + g.f64("max_lat")) / 2});
    SL_ASSIGN_OR_RETURN(auto dept_rows, conn.Query("SELECT id, code, town_id FROM departments ORDER BY id"));
    std::map<int64_t, int64_t> squad_of_town;
    std::map<std::string, int64_t> dept_by_code;
    for (const auto& d : dept_rows) {
      dept_by_code[d.str("code")] = d.i64("id");
      if (d.str("code").rfind("squad-", 0) == 0 && !d.is_null("town_id")) squad_of_town[d.i64("town_id")] = d.i64("id");
    }
    SL_ASSIGN_OR_RETURN(auto user_rows, conn.Query("SELECT id, username, role FROM users ORDER BY id"));
    std::map<std::string, Actor> actor;
    for (const auto& u : user_rows) actor.try_emplace(u.str("role"), Actor{u.i64("id"), u.str("username"), u.str("role")});
    for (const char* role : {"supervisor", "commander", "officer", "leader"})
      if (!actor.count(role)) actor[role] = Actor{0, "system", role};
    SL_ASSIGN_OR_RETURN(auto cat_rows, conn.Query("SELECT * FROM event_categories"));
    std::map<std::string, Category> categories;
    for (const auto& r : cat_rows) {
      SL_ASSIGN_OR_RETURN(Category c, CategoryFromRow(r));
      categories[c.code] = c;
    }

    // Every creation time first, in order, so ids follow time.
    std::vector<int64_t> created;
    const int64_t start = *ParseIso8601("2022-01-01");
    for (int64_t day = ChinaCivilDay(start); ChinaDayStartMs(day) < now_ms; ++day) {
      int year;
      unsigned month, dom;
      CivilFromDays(day, year, month, dom);
      const double per_day = options.first_year_events * std::pow(1 - options.yearly_decline, year - 2022) / 365.0;
      const double season = 1.0 + 0.25 * std::sin((static_cast<double>(month) - 4.0) / 12.0 * 2 * M_PI);
      const double weekday = calendar.IsWorkingDay(day) ? 1.15 : 0.65;
      const double expected = per_day * season * weekday;
      int n = static_cast<int>(expected);
      if (random.Chance(expected - n)) ++n;
      for (int i = 0; i < n; ++i) {
        // Patrols and cameras report mostly in the daytime.
        const double hour = random.Chance(0.8) ? random.Uniform(7.5, 19.0) : random.Uniform(0, 24);
        const int64_t t = ChinaDayStartMs(day) + static_cast<int64_t>(hour * 3600'000);
        if (t < now_ms) created.push_back(t);
      }
    }
    std::sort(created.begin(), created.end());

    std::vector<store::Params> event_rows;
    std::vector<store::Params> step_rows;
    event_rows.reserve(created.size());
    step_rows.reserve(created.size() * 7);
    std::vector<double> cat_weights(std::size(kMix)), source_weights;
    for (const auto& s : kSources) source_weights.push_back(s.weight);
    int64_t id = 0;
    for (const int64_t t0 : created) {
      ++id;
      int year;
      unsigned month, dom;
      CivilFromDays(ChinaCivilDay(t0), year, month, dom);
      const bool summer = month >= 5 && month <= 9;
      for (size_t i = 0; i < std::size(kMix); ++i) cat_weights[i] = kMix[i].weight * (1 + (summer ? kMix[i].summer : 0));
      const Category& cat = categories.at(kMix[random.Weighted(cat_weights)].code);
      const std::string source = kSources[random.Weighted(source_weights)].source;
      const Grid& grid = grids[static_cast<size_t>(random.Int(0, static_cast<int64_t>(grids.size()) - 1))];
      const double lon = grid.lon + random.Uniform(-0.0004, 0.0004), lat = grid.lat + random.Uniform(-0.0004, 0.0004);
      // Management improves: fewer late steps and less rework each year.
      const double late = std::max(0.03, 0.14 - 0.025 * (year - 2022));
      const double rework_p = std::max(0.02, 0.08 - 0.012 * (year - 2022));
      const bool from_public = source == "public" || source == "hotline";

      struct StepPlan {
        const char* action;
        State to;
        int64_t at;
        int64_t deadline;  // 0: none
        std::string note;
      };
      std::vector<StepPlan> plan;
      // Each step takes a share of its limit; a "late" one overruns it.
      auto finish = [&](int64_t from, int64_t deadline) {
        const int64_t span = std::max<int64_t>(deadline - from, 10 * kMinuteMs);
        // A few jobs stall for days or weeks (a contested structure, an owner
        // who cannot be found): late in the history, still open and overdue
        // in the last weeks.
        if (random.Chance(0.012)) return deadline + static_cast<int64_t>(random.Uniform(1, 40) * kDayMs);
        if (random.Chance(late)) return deadline + static_cast<int64_t>(random.Uniform(0.05, 1.2) * span);
        return from + static_cast<int64_t>(random.Uniform(0.05, 0.95) * span);
      };
      int64_t t = t0;
      int64_t deadline = DeadlineOf(calendar, t, cat.limits.file);
      const int64_t collect_deadline = deadline;
      int64_t filed_at = 0, dispatched_at = 0, fed_back_at = 0, closed_at = 0, evaluated_at = 0;
      int64_t handle_deadline = 0, close_deadline = 0;
      int rework = 0, evaluation = 0;
      std::optional<int64_t> handled_on_time, closed_on_time;
      State state = State::kCollected;
      int64_t step_started = t0;
      std::optional<int64_t> step_deadline = deadline;
      std::string status_note;
      auto take = [&](const char* action, State to, int64_t at, std::optional<int64_t> next_deadline,
                      std::string note = "") {
        if (at > now_ms) return false;
        plan.push_back({action, to, at, next_deadline.value_or(0), std::move(note)});
        state = to;
        step_started = at;
        step_deadline = next_deadline;
        return true;
      };
      do {
        t = finish(t, deadline);
        if (from_public && random.Chance(0.12)) {
          status_note = "经核实不属实或重复举报";
          if (!take("reject", State::kRejected, t, std::nullopt, status_note)) status_note.clear();
          break;
        }
        deadline = DeadlineOf(calendar, t, cat.limits.dispatch);
        if (!take("file", State::kFiled, t, deadline)) break;
        filed_at = t;
        t = finish(t, deadline);
        handle_deadline = DeadlineOf(calendar, t, cat.limits.handle);
        close_deadline = DeadlineOf(calendar, handle_deadline, cat.limits.verify);
        if (!take("dispatch", State::kDispatched, t, handle_deadline)) break;
        dispatched_at = t;
        t += static_cast<int64_t>(random.Uniform(0.02, 0.2) * std::max<int64_t>(handle_deadline - t, kMinuteMs));
        if (!take("handle", State::kHandling, t, handle_deadline)) break;
        t = finish(t, handle_deadline);
        bool ok = true;
        for (int round = 0; ok; ++round) {
          const int64_t verify_deadline = DeadlineOf(calendar, t, cat.limits.verify);
          if (!take("feedback", State::kFedBack, t, verify_deadline, "已按要求处置")) {
            ok = false;
            break;
          }
          if (!fed_back_at) {
            fed_back_at = t;
            handled_on_time = t <= handle_deadline ? 1 : 0;
          }
          t = finish(t, verify_deadline);
          if (round < 2 && random.Chance(rework_p)) {
            const int64_t again = DeadlineOf(calendar, t, cat.limits.handle);
            if (!take("rework", State::kHandling, t, again, "核查未整改到位")) {
              ok = false;
              break;
            }
            ++rework;
            t = finish(t, again);
            continue;
          }
          break;
        }
        if (!ok) break;
        if (!take("close", State::kClosed, t, std::nullopt, "现场核查已整改")) break;
        closed_at = t;
        closed_on_time = t <= close_deadline ? 1 : 0;
        if (random.Chance(0.7)) {
          t += static_cast<int64_t>(random.Uniform(0.5, 5) * kDayMs);
          evaluation = static_cast<int>(random.Weighted(std::vector<double>{1, 2, 8, 30, 40}) + 1);
          if (take("evaluate", State::kEvaluated, t, std::nullopt)) evaluated_at = t;
        }
      } while (false);

      const int64_t dept = dispatched_at ? (cat.code == "construction_waste" ? dept_by_code["muck"]
                                            : cat.code == "illegal_parking" && random.Chance(0.3)
                                                ? dept_by_code["parking"]
                                                : squad_of_town[grid.town_id])
                                         : 0;
      const std::string code = EventCode(id);
      auto opt = [](int64_t v) { return v ? store::Value(v) : store::Value(); };
      const bool open = IsOpen(state);
      if (open) {
        ++report.open;
        if (step_deadline && *step_deadline < now_ms) ++report.overdue_open;
      }
      const int64_t updated = plan.empty() ? t0 : plan.back().at;
      const std::string ref = from_public || source == "fleet" || source == "sensor"
                                  ? (source == "hotline" ? "12345-" : source + "-") + std::to_string(100000 + id)
                                  : "";
      event_rows.push_back(
          {code, cat.code, source, ref.empty() ? store::Value() : store::Value(ref), cat.name,
           std::string(cat.name) + "（" + FormatDateChina(t0) + "）", std::string(), lon, lat, grid.town_id, grid.id,
           std::string(StatusName(state)), int64_t{0}, std::string("[]"), t0, t0, FormatDateChina(t0).substr(0, 7),
           updated, opt(filed_at), opt(dispatched_at), opt(fed_back_at), opt(closed_at), opt(evaluated_at), opt(dept),
           step_started, step_deadline ? store::Value(*step_deadline) : store::Value(), opt(handle_deadline),
           opt(close_deadline), handled_on_time ? store::Value(*handled_on_time) : store::Value(),
           closed_on_time ? store::Value(*closed_on_time) : store::Value(), int64_t{rework},
           evaluation ? store::Value(int64_t{evaluation}) : store::Value(), status_note,
           int64_t{open && step_deadline && *step_deadline < now_ms ? 2 : 0}});
      step_rows.push_back({id, std::string("collect"), std::string(), std::string("collected"), t0, int64_t{0},
                           std::string("system"), std::string("system"), source, store::Value(), store::Value(),
                           collect_deadline});
      State from = State::kCollected;
      for (const StepPlan& s : plan) {
        const char* role = s.to == State::kDispatched                                   ? "commander"
                           : s.to == State::kHandling && std::string(s.action) == "handle" ? "officer"
                           : s.to == State::kFedBack                                    ? "officer"
                           : s.to == State::kEvaluated                                  ? "leader"
                                                                                        : "supervisor";
        const Actor& a = actor.at(role);
        step_rows.push_back({id, std::string(s.action), std::string(StatusName(from)), std::string(StatusName(s.to)),
                             s.at, a.id, a.name, a.role, s.note,
                             std::string(s.action) == "dispatch" ? opt(dept) : store::Value(), store::Value(),
                             s.deadline ? store::Value(s.deadline) : store::Value()});
        from = s.to;
      }
    }
    SL_TRY(conn.ExecuteBatch(
        "INSERT INTO events (code, category_code, source, source_ref, title, description, address, lon, lat, town_id, "
        "grid_id, status, reporter_id, photos, occurred_at, created_at, month, updated_at, filed_at, dispatched_at, "
        "fed_back_at, closed_at, evaluated_at, department_id, step_started, step_deadline, handle_deadline, "
        "close_deadline, handled_on_time, closed_on_time, rework_count, evaluation, status_note, warn_level) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        event_rows));
    // Ids were taken in insertion order from an empty table; the steps and
    // codes above rely on that, so check it.
    SL_ASSIGN_OR_RETURN(auto range, conn.QueryOne("SELECT MIN(id) AS lo, MAX(id) AS hi FROM events"));
    if (!event_rows.empty() && (range->i64("lo") != 1 || range->i64("hi") != static_cast<int64_t>(event_rows.size())))
      return Error::Internal("demo events did not get ids 1.." + std::to_string(event_rows.size()));
    SL_TRY(conn.ExecuteBatch("INSERT INTO event_steps (event_id, action, from_status, to_status, at_ms, actor_id, "
                             "actor, role, note, department_id, assignee_id, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                             "?, ?, ?, ?)",
                             step_rows));
    SL_TRY(conn.ExecScript(kRollupRebuildSql));
    // Fresh statistics, so the planner knows how selective status and month are.
    SL_TRY(conn.ExecScript("ANALYZE"));
    report.events = static_cast<int>(event_rows.size());
    report.steps = static_cast<int>(step_rows.size());
    return {};
  });
  SL_TRY(status);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace sl::events
