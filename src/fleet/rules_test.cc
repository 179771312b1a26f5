// The alarm rules as a table a construction-waste officer can read: each row
// is a short drive (fixes in order) and the alarms it must raise.
#include "fleet/rules.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/time.h"

namespace sl::fleet {
namespace {

// Geometry in metres east/north of a point in Tongxiang.
const geo::LocalProjection kLocal({120.48, 30.63});
geo::Ring Box(double x0, double y0, double x1, double y1) {
  return kLocal.ToLonLat(geo::RingM{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}});
}

const int64_t kNight = *ParseIso8601("2026-11-20T22:00:00+08:00");
const int64_t kMorning = *ParseIso8601("2026-11-21T10:00:00+08:00");

// Permit 7 lets vehicle 1 haul from a site at (0..200, 0..200) to a disposal
// site at (5000..5200, 0..200) along y = 100, 50 m either side, 20:00–06:00,
// for November 2026. Vehicle 2 has no permit; vehicle 3's permit expired.
// Speed zone 3 (a village street, 60 km/h) covers (2000..2600, 0..200) on
// the route; zone 4 (a school gate, 30 km/h) overlaps its east end.
std::shared_ptr<const PermitSet> Permits() {
  Permit p;
  p.id = 7;
  p.vehicle_ids = {1};
  p.source_site = Box(0, 0, 200, 200);
  p.disposal_site = Box(5000, 0, 5200, 200);
  p.corridor = kLocal.ToLonLat(geo::RingM{{100, 100}, {5100, 100}});
  p.corridor_buffer_m = 50;
  p.windows = {{20 * 60, 6 * 60}};
  p.valid_from_ms = *ParseIso8601("2026-11-01");
  p.valid_to_ms = *ParseIso8601("2026-12-01");
  Permit expired = p;
  expired.id = 8;
  expired.vehicle_ids = {3};
  expired.valid_to_ms = *ParseIso8601("2026-11-10");
  return PermitSet::Build({p, expired}, {{3, "village street", Box(2000, 0, 2600, 200), 60},
                                         {4, "school gate", Box(2500, 0, 2600, 200), 30}});
}

struct Step {
  int64_t at_s;   // seconds after the row's start
  double x, y;    // metres
  double kmh;
  bool loaded;
};

struct RuleCase {
  const char* name;
  int64_t vehicle;
  int64_t start_ms;
  std::vector<Step> steps;
  std::vector<std::string> want;  // "type" or "type:tier"
};

const RuleCase kCases[] = {
    {"loaded on the route at night", 1, kNight,
     {{0, 100, 100, 0, true}, {60, 1000, 110, 40, true}, {120, 3000, 90, 40, true}, {180, 5100, 100, 0, true},
      {200, 5100, 100, 0, false}},
     {}},
    {"unknown terminal raises once", 0, kNight, {{0, 100, 100, 30, true}, {30, 400, 100, 30, true}},
     {"unregistered_vehicle"}},
    {"vehicle without any permit drives loaded", 2, kNight,
     {{0, 400, 100, 30, true}, {30, 700, 100, 30, true}}, {"no_valid_permit"}},
    {"vehicle without permit, empty", 2, kNight, {{0, 400, 100, 30, false}}, {}},
    {"expired permit", 3, kNight, {{0, 400, 100, 30, true}}, {"no_valid_permit"}},
    {"loaded in the morning", 1, kMorning, {{0, 1000, 100, 40, true}, {60, 1500, 100, 40, true}},
     {"outside_hours"}},
    {"empty in the morning", 1, kMorning, {{0, 1000, 100, 40, false}}, {}},
    {"loaded but parked in the morning", 1, kMorning, {{0, 1000, 100, 0, true}}, {}},
    {"120 m beyond the corridor for 30 s: within grace", 1, kNight,
     {{0, 1000, 270, 40, true}, {30, 1300, 270, 40, true}}, {}},
    {"120 m beyond the corridor for 90 s", 1, kNight,
     {{0, 1000, 270, 40, true}, {30, 1300, 270, 40, true}, {90, 1600, 270, 40, true}, {120, 1700, 270, 40, true}},
     {"off_corridor:1"}},
    {"deviation grows past 500 m: escalates", 1, kNight,
     {{0, 1000, 270, 40, true}, {90, 1300, 270, 40, true}, {150, 1300, 900, 40, true}}, {"off_corridor:1", "off_corridor:2"}},
    {"back on route clears, a new deviation raises again", 1, kNight,
     {{0, 1000, 270, 40, true}, {90, 1300, 270, 40, true}, {120, 1400, 100, 40, true}, {150, 1500, 270, 40, true},
      {250, 1600, 270, 40, true}},
     {"off_corridor:1", "off_corridor:1"}},
    {"within the 50 m threshold beyond the corridor", 1, kNight,
     {{0, 1000, 190, 40, true}, {120, 1300, 190, 40, true}}, {}},
    {"off the corridor but empty", 1, kNight, {{0, 1000, 600, 40, false}, {120, 1300, 600, 40, false}}, {}},
    {"inside the source site, off the corridor line", 1, kNight,
     {{0, 20, 20, 5, true}, {120, 30, 190, 5, true}}, {}},
    {"unloads at the disposal site", 1, kNight, {{0, 5100, 150, 0, true}, {60, 5100, 150, 0, false}}, {}},
    {"unloads halfway", 1, kNight, {{0, 2500, 100, 0, true}, {60, 2500, 100, 0, false}},
     {"unloading_outside_disposal"}},
    {"vehicle without permit drives into the construction site, empty", 2, kNight,
     {{0, -100, 100, 3, false}, {30, 100, 100, 3, false}, {60, 120, 120, 0, false}}, {"site_without_permit"}},
    {"expired permit, enters the disposal site", 3, kNight, {{0, 5100, 100, 3, false}}, {"site_without_permit"}},
    {"own disposal site", 1, kNight, {{0, 5100, 100, 3, false}}, {}},
    // Overspeed by zone: tier 1 beyond 10 % over the limit, tier 2 beyond 50 %.
    {"66 km/h in a 60 zone: within the tolerance", 1, kNight, {{0, 2200, 100, 66, true}}, {}},
    {"70 km/h in a 60 zone", 1, kNight, {{0, 2200, 100, 70, true}, {10, 2300, 100, 70, true}}, {"overspeed:1"}},
    {"overspeed grows past 90 km/h: escalates", 1, kNight,
     {{0, 2100, 100, 70, true}, {10, 2200, 100, 95, true}, {20, 2300, 100, 70, true}}, {"overspeed:1", "overspeed:2"}},
    {"slows down, speeds up again: raises again", 1, kNight,
     {{0, 2100, 100, 70, true}, {10, 2200, 100, 50, true}, {20, 2300, 100, 70, true}}, {"overspeed:1", "overspeed:1"}},
    {"100 km/h outside every zone", 1, kNight, {{0, 1000, 100, 100, true}}, {}},
    {"overlapping zones: the lower limit holds", 1, kNight, {{0, 2550, 100, 40, true}}, {"overspeed:1"}},
    {"leaves the zone at speed: clears", 1, kNight,
     {{0, 2200, 100, 70, true}, {10, 2700, 100, 70, true}, {20, 2100, 100, 70, true}}, {"overspeed:1", "overspeed:1"}},
};

std::string Label(const Alarm& a) {
  std::string s(AlarmTypeName(a.type));
  if (a.type == AlarmType::kOffCorridor || a.type == AlarmType::kOverspeed) s += ":" + std::to_string(a.tier);
  return s;
}

TEST(FleetRules, Table) {
  auto permits = Permits();
  for (const RuleCase& c : kCases) {
    ManualClock clock(c.start_ms);
    AlarmRules rules(clock);
    std::vector<std::string> got;
    for (const Step& s : c.steps) {
      clock.Set(c.start_ms + s.at_s * 1000 + 500);  // received half a second later
      const geo::LonLat ll = kLocal.ToLonLat({s.x, s.y});
      FixInput fix{"013511221122", c.vehicle, c.start_ms + s.at_s * 1000, ll.lon, ll.lat, s.kmh,
                   s.loaded ? 3u << 8 : 0u, {}, {}};
      for (const Alarm& a : rules.Evaluate(*permits, fix)) {
        got.push_back(Label(a));
        EXPECT_EQ(a.raised_ms, clock.NowMs()) << c.name;
        EXPECT_EQ(a.time_ms, fix.time_ms) << c.name;
      }
    }
    EXPECT_EQ(got, c.want) << c.name;
  }
}

TEST(FleetRules, OffCorridorReportsPermitAndDistance) {
  auto permits = Permits();
  ManualClock clock(kNight);
  AlarmRules rules(clock);
  std::vector<Alarm> alarms;
  for (int64_t t : {0, 90}) {
    const geo::LonLat ll = kLocal.ToLonLat({1000, 400});
    alarms = rules.Evaluate(*permits, {"013511221122", 1, kNight + t * 1000, ll.lon, ll.lat, 40, 3u << 8, {}, {}});
  }
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].permit_id, 7);
  EXPECT_NEAR(alarms[0].distance_m, 250, 1);  // 300 m from the line, 50 m buffer
}

TEST(FleetRules, TerminalOfflineAfterSilenceClearsOnNextFix) {
  auto permits = Permits();
  ManualClock clock(kNight);
  RuleConfig config;
  config.offline_after_ms = 600'000;
  AlarmRules rules(clock, config);
  const geo::LonLat ll = kLocal.ToLonLat({1000, 100});
  const FixInput fix{"013511221122", 1, kNight, ll.lon, ll.lat, 40, 3u << 8, {}, {}};
  EXPECT_TRUE(rules.Sweep().empty());  // never seen: nothing to miss
  EXPECT_TRUE(rules.Evaluate(*permits, fix).empty());
  clock.Advance(600'000);
  EXPECT_TRUE(rules.Sweep().empty());  // exactly at the limit
  clock.Advance(1);
  std::vector<Alarm> offline = rules.Sweep();
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(offline[0].type, AlarmType::kTerminalOffline);
  EXPECT_EQ(offline[0].time_ms, kNight);  // of the last fix
  EXPECT_EQ(offline[0].raised_ms, clock.NowMs());
  EXPECT_TRUE(rules.Sweep().empty());  // raised once
  EXPECT_TRUE(rules.Evaluate(*permits, fix).empty());
  clock.Advance(600'001);
  EXPECT_EQ(rules.Sweep().size(), 1u);  // silent again: raised again
}

// The cover sensor as three vendors wire it; a terminal that does not report
// the mapped item never raises.
TEST(FleetRules, UncoveredWhileLoadedPerSignalMapping) {
  using Source = RuleConfig::CoverSignal::Source;
  struct Case {
    const char* name;
    RuleConfig::CoverSignal cover;
    uint32_t status;
    std::optional<uint16_t> io;
    std::optional<uint32_t> ext;
    double kmh;
    bool want;
  };
  const uint32_t kLoaded = 3u << 8;
  const Case cases[] = {
      {"no sensor mapped", {Source::kNone, 0, true}, kLoaded, {}, {}, 40, false},
      {"IO bit 3 set = closed, set", {Source::kIoStatus, 3, true}, kLoaded, 1u << 3, {}, 40, false},
      {"IO bit 3 set = closed, clear", {Source::kIoStatus, 3, true}, kLoaded, 0, {}, 40, true},
      {"IO mapped but item absent", {Source::kIoStatus, 3, true}, kLoaded, {}, {}, 40, false},
      {"IO open but empty truck", {Source::kIoStatus, 3, true}, 0, 0, {}, 40, false},
      {"IO open but standing", {Source::kIoStatus, 3, true}, kLoaded, 0, {}, 0, false},
      {"extended signal bit 10 set = open", {Source::kExtSignal, 10, false}, kLoaded, {}, 1u << 10, 40, true},
      {"status bit 12 (door locked) as cover", {Source::kStatus, 12, true}, kLoaded | (1u << 12), {}, {}, 40, false},
  };
  auto permits = Permits();
  const geo::LonLat ll = kLocal.ToLonLat({1000, 100});
  for (const Case& c : cases) {
    ManualClock clock(kNight);
    RuleConfig config;
    config.cover = c.cover;
    AlarmRules rules(clock, config);
    std::vector<Alarm> alarms =
        rules.Evaluate(*permits, {"013511221122", 1, kNight, ll.lon, ll.lat, c.kmh, c.status, c.io, c.ext});
    const bool raised = std::any_of(alarms.begin(), alarms.end(),
                                    [](const Alarm& a) { return a.type == AlarmType::kUncoveredWhileLoaded; });
    EXPECT_EQ(raised, c.want) << c.name;
  }
}

TEST(FleetRules, OverspeedReportsSpeedLimitAndZone) {
  auto permits = Permits();
  ManualClock clock(kNight);
  AlarmRules rules(clock);
  const geo::LonLat ll = kLocal.ToLonLat({2200, 100});
  std::vector<Alarm> alarms = rules.Evaluate(*permits, {"013511221122", 1, kNight, ll.lon, ll.lat, 72.5, 3u << 8, {}, {}});
  ASSERT_EQ(alarms.size(), 1u);
  EXPECT_EQ(alarms[0].type, AlarmType::kOverspeed);
  EXPECT_EQ(alarms[0].zone_id, 3);
  EXPECT_DOUBLE_EQ(alarms[0].speed_kmh, 72.5);
  EXPECT_DOUBLE_EQ(alarms[0].limit_kmh, 60);
  EXPECT_EQ(alarms[0].permit_id, 7);
}

// Unloading from a lift (tipper body) sensor, mapped here to IO bit 4: where
// the terminal reports it, the body rising is the unloading; where it does
// not, the load bits 8–9 still decide.
TEST(FleetRules, UnloadingByLiftSensor) {
  using Source = RuleConfig::CoverSignal::Source;
  struct Fix {
    double x, y;
    bool loaded;
    std::optional<uint16_t> io;
  };
  struct Case {
    const char* name;
    RuleConfig::LiftSignal lift;
    std::vector<Fix> fixes;
    int want;  // unloading_outside_disposal alarms
  };
  const RuleConfig::LiftSignal io4{Source::kIoStatus, 4, true};
  const RuleConfig::LiftSignal io4_low{Source::kIoStatus, 4, false};
  const Case cases[] = {
      {"body raised halfway", io4, {{2500, 100, true, 0}, {2500, 100, true, 1u << 4}}, 1},
      {"body raised in the disposal site", io4, {{5100, 150, true, 0}, {5100, 150, true, 1u << 4}}, 0},
      {"body stays raised: one unloading", io4, {{2500, 100, true, 0}, {2500, 100, true, 16}, {2510, 100, false, 16}}, 1},
      {"raised, lowered, raised again: two", io4, {{2500, 100, true, 16}, {2500, 100, true, 0}, {2600, 100, true, 16}}, 2},
      {"lift mapped but not reported: load bits decide", io4, {{2500, 100, true, {}}, {2500, 100, false, {}}}, 1},
      {"lift reported down, load bits drop: no tipping", io4, {{2500, 100, true, 0}, {2500, 100, false, 0}}, 0},
      {"wired active-low: bit clears as the body rises", io4_low, {{2500, 100, true, 16}, {2500, 100, true, 0}}, 1},
      {"no lift mapped: load bits decide", {}, {{2500, 100, true, 16}, {2500, 100, false, 16}}, 1},
  };
  auto permits = Permits();
  for (const Case& c : cases) {
    ManualClock clock(kNight);
    RuleConfig config;
    config.lift = c.lift;
    AlarmRules rules(clock, config);
    int got = 0;
    int64_t t = kNight;
    for (const Fix& f : c.fixes) {
      const geo::LonLat ll = kLocal.ToLonLat({f.x, f.y});
      for (const Alarm& a :
           rules.Evaluate(*permits, {"013511221122", 1, t, ll.lon, ll.lat, 0, f.loaded ? 3u << 8 : 0u, f.io, {}}))
        got += a.type == AlarmType::kUnloadingOutsideDisposal;
      t += 30'000;
    }
    EXPECT_EQ(got, c.want) << c.name;
  }
}

TEST(FleetRules, LiftSignalConfiguration) {
  using Source = RuleConfig::CoverSignal::Source;
  struct Case {
    const char* text;
    bool ok;
    Source source;
    int bit;
    bool set_means_raised;
  };
  const Case cases[] = {
      {"", true, Source::kNone, 0, true},           {"io:4", true, Source::kIoStatus, 4, true},
      {"ext:12:low", true, Source::kExtSignal, 12, false}, {"status:20", true, Source::kStatus, 20, true},
      {"io:4:open", false, Source::kNone, 0, true}, {"lift:1", false, Source::kNone, 0, true},
      {"io:99", false, Source::kNone, 0, true},
  };
  for (const Case& c : cases) {
    auto lift = ParseLiftSignal(c.text, "fleet.lift_signal");
    ASSERT_EQ(lift.ok(), c.ok) << c.text;
    if (!c.ok) {
      EXPECT_EQ(lift.error().field, "fleet.lift_signal");
      continue;
    }
    EXPECT_EQ(lift->source, c.source) << c.text;
    EXPECT_EQ(lift->bit, c.bit) << c.text;
    EXPECT_EQ(lift->set_means_raised, c.set_means_raised) << c.text;
  }
}

TEST(FleetRules, CoverSignalConfiguration) {
  using Source = RuleConfig::CoverSignal::Source;
  struct Case {
    const char* text;
    bool ok;
    Source source;
    int bit;
    bool set_means_closed;
  };
  const Case cases[] = {
      {"", true, Source::kNone, 0, true},          {"none", true, Source::kNone, 0, true},
      {"status:12", true, Source::kStatus, 12, true}, {"io:3", true, Source::kIoStatus, 3, true},
      {"ext:10:open", true, Source::kExtSignal, 10, false}, {"io:16", false, Source::kNone, 0, true},
      {"door:1", false, Source::kNone, 0, true},   {"status", false, Source::kNone, 0, true},
      {"status:x", false, Source::kNone, 0, true},
  };
  for (const Case& c : cases) {
    auto cover = ParseCoverSignal(c.text, "fleet.cover_signal");
    ASSERT_EQ(cover.ok(), c.ok) << c.text;
    if (!c.ok) {
      EXPECT_EQ(cover.error().field, "fleet.cover_signal");
      continue;
    }
    EXPECT_EQ(cover->source, c.source) << c.text;
    EXPECT_EQ(cover->bit, c.bit) << c.text;
    EXPECT_EQ(cover->set_means_closed, c.set_means_closed) << c.text;
  }
}

TEST(FleetRules, TimeWindowWrapsMidnight) {
  TimeWindow night{20 * 60, 6 * 60};
  EXPECT_TRUE(night.Contains(23 * 60));
  EXPECT_TRUE(night.Contains(5 * 60 + 59));
  EXPECT_FALSE(night.Contains(6 * 60));
  EXPECT_FALSE(night.Contains(12 * 60));
  TimeWindow day{8 * 60, 17 * 60};
  EXPECT_TRUE(day.Contains(8 * 60));
  EXPECT_FALSE(day.Contains(17 * 60));
}

}  // namespace
}  // namespace sl::fleet
