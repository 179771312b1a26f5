#include "bus/event_bus.h"
#include "bus/event_intake.h"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace sl {
namespace {

struct Ping {
  static constexpr const char* kType = "ping";
  int n = 0;
  std::string ToJson() const { return "{\"n\":" + std::to_string(n) + "}"; }
};
struct Pong {
  static constexpr const char* kType = "pong";
  std::string ToJson() const { return "{}"; }
};

TEST(EventBusTest, TypedAndEnvelopeSubscribers) {
  ManualClock clock(1000);
  EventBus bus(clock);
  std::vector<int> pings;
  std::vector<std::string> envelopes;
  bus.Subscribe<Ping>([&](const Ping& p) { pings.push_back(p.n); });
  bus.SubscribeAll([&](const EventEnvelope& e) { envelopes.push_back(e.type + e.json + std::to_string(e.seq)); });
  bus.Publish(Ping{7});
  bus.Publish(Pong{});
  EXPECT_EQ(pings, std::vector<int>{7});
  EXPECT_EQ(envelopes, (std::vector<std::string>{"ping{\"n\":7}1", "pong{}2"}));
}

TEST(EventBusTest, NoCallAfterUnsubscribeReturns) {
  EventBus bus;
  std::atomic<bool> unsubscribed{false};
  std::atomic<int> late_calls{0};
  const auto id = bus.SubscribeAll([&](const EventEnvelope&) {
    if (unsubscribed) ++late_calls;
  });
  std::thread publisher([&] {
    for (int i = 0; i < 20000; ++i) bus.Publish(Pong{});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  bus.Unsubscribe(id);
  unsubscribed = true;
  publisher.join();
  EXPECT_EQ(late_calls, 0);
  EXPECT_EQ(bus.subscriber_count(), 0u);
}

}  // namespace
}  // namespace sl

TEST(EventIntakeTest, SerialisesCoordinatesWithoutExponent) {
  sl::EventIntake intake;
  intake.source = "fleet";
  intake.source_ref = "fleet-alarm:7";
  intake.category = "construction_waste";
  intake.title = "偏离路线";
  intake.lon = 120.565;
  intake.lat = 30.6212346;
  intake.occurred_at_ms = 1700000000000;
  std::string text = intake.ToJson();
  EXPECT_NE(text.find("\"lon\":120.565"), std::string::npos) << text;
  EXPECT_NE(text.find("\"lat\":30.621235"), std::string::npos) << text;
  EXPECT_NE(text.find("\"source_ref\":\"fleet-alarm:7\""), std::string::npos) << text;
  auto parsed = boost::json::parse(text);
  EXPECT_EQ(parsed.at("title").as_string(), "偏离路线");
}
