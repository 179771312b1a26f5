// What a sensor reading does to a space, one rule per row: each row is a
// message (received at `now`) applied after the rows before it in its story.
#include "parking/occupancy.h"

#include <gtest/gtest.h>

#include <optional>

namespace sl::parking {
namespace {

constexpr int64_t kT0 = 1'795'000'000'000;  // a November 2026 morning
constexpr int64_t kMin = 60'000;

struct Step {
  const char* rule;
  int64_t now_min;                 // receipt, minutes after kT0
  std::optional<bool> occupied;    // nullopt: heartbeat
  std::optional<int64_t> at_min;   // event time; nullopt: none given
  std::optional<int64_t> fcnt;
  Verdict verdict;
  bool occupied_after;
  int64_t since_min_after;
};

Reading Make(const std::string& id, const Step& s) {
  Reading r;
  r.sensor_id = id;
  r.occupied = s.occupied;
  if (s.at_min) r.time_ms = kT0 + *s.at_min * kMin;
  r.fcnt = s.fcnt;
  return r;
}

void RunStory(const std::vector<Step>& story, OccupancyRules rules = {}) {
  Occupancy occ(rules);
  occ.AddSensor("s1", SpaceState{.space_id = 7, .lot_id = 3, .last_seen_ms = kT0});
  for (const Step& s : story) {
    Outcome o = occ.Apply(Make("s1", s), kT0 + s.now_min * kMin);
    EXPECT_EQ(VerdictName(o.verdict), std::string(VerdictName(s.verdict))) << s.rule;
    EXPECT_EQ(occ.Find("s1")->occupied, s.occupied_after) << s.rule;
    EXPECT_EQ(occ.Find("s1")->since_ms, s.since_min_after ? kT0 + s.since_min_after * kMin : 0) << s.rule;
  }
}

TEST(OccupancyTest, CounterStory) {
  RunStory({
      {"a car arrives: free → occupied", 10, true, 10, 1, Verdict::kTransition, true, 10},
      {"the same frame again is a duplicate", 11, true, 10, 1, Verdict::kDuplicate, true, 10},
      {"a heartbeat keeps the status", 12, std::nullopt, 12, 2, Verdict::kHeartbeat, true, 10},
      {"an older frame counter with an older time is a replay", 13, false, 5, 0, Verdict::kReplay, true, 10},
      {"the car leaves: occupied → free", 40, false, 40, 3, Verdict::kTransition, false, 40},
      {"a late report of the car still there is superseded", 41, true, 30, 4, Verdict::kLateSuperseded, false, 40},
      {"a counter restarted by a sensor reset, with a newer time, is accepted", 50, true, 50, 0,
       Verdict::kTransition, true, 50},
  });
}

TEST(OccupancyTest, PlainStory) {
  RunStory({
      {"a car arrives (no counters)", 10, true, 10, std::nullopt, Verdict::kTransition, true, 10},
      {"the same status at the same time is a duplicate", 10, true, 10, std::nullopt, Verdict::kDuplicate, true, 10},
      {"a later report of the same status changes nothing", 12, true, 12, std::nullopt, Verdict::kSame, true, 10},
      {"a late report of the same status moves the start back into place", 13, true, 8, std::nullopt,
       Verdict::kLateMoved, true, 8},
      {"a message without a time takes the time of receipt", 20, false, std::nullopt, std::nullopt,
       Verdict::kTransition, false, 20},
  });
}

TEST(OccupancyTest, TimesOutsideReasonAreRefused) {
  RunStory({
      {"ten minutes in the future", 10, true, 20, std::nullopt, Verdict::kImpossibleTime, false, 0},
      {"eight days old", 10, true, 10 - 8 * 24 * 60, std::nullopt, Verdict::kImpossibleTime, false, 0},
      {"four minutes ahead (clock skew) is accepted", 10, true, 14, std::nullopt, Verdict::kTransition, true, 14},
  });
}

TEST(OccupancyTest, FloodFromOneSensorIsRefusedUntilTheWindowEnds) {
  OccupancyRules rules;
  rules.flood_limit = 3;
  rules.flood_window_ms = kMin;
  std::vector<Step> story;
  story.push_back({"1st in the window", 10, std::nullopt, 10, std::nullopt, Verdict::kHeartbeat, false, 0});
  story.push_back({"2nd", 10, std::nullopt, 10, std::nullopt, Verdict::kHeartbeat, false, 0});
  story.push_back({"3rd", 10, std::nullopt, 10, std::nullopt, Verdict::kHeartbeat, false, 0});
  story.push_back({"4th is a flood", 10, true, 10, std::nullopt, Verdict::kFlood, false, 0});
  story.push_back({"a new window accepts again", 11, true, 11, std::nullopt, Verdict::kTransition, true, 11});
  RunStory(story, rules);
}

TEST(OccupancyTest, UnknownSensorAndOfflineSweep) {
  OccupancyRules rules;
  rules.offline_after_ms = 30 * kMin;
  Occupancy occ(rules);
  occ.AddSensor("s1", SpaceState{.space_id = 1, .last_seen_ms = kT0});
  Reading r;
  r.sensor_id = "nobody";
  r.occupied = true;
  EXPECT_EQ(occ.Apply(r, kT0).verdict, Verdict::kUnknownSensor);
  EXPECT_TRUE(occ.Sweep(kT0 + 30 * kMin).empty());
  auto gone = occ.Sweep(kT0 + 31 * kMin);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_FALSE(gone[0]->online);
  EXPECT_TRUE(occ.Sweep(kT0 + 32 * kMin).empty()) << "reported once";
  r.sensor_id = "s1";
  r.occupied = std::nullopt;
  Outcome o = occ.Apply(r, kT0 + 40 * kMin);
  EXPECT_FALSE(o.was_online);
  EXPECT_TRUE(occ.Find("s1")->online) << "a heartbeat brings it back";
}

}  // namespace
}  // namespace sl::parking
