// `sightline simulate parking`: live sensor traffic for the demo and for load
// tests, published to a real MQTT broker.
//
// Drives the demo city's sensors (MakeDemoParking of the demo seed): each
// tick picks sensors at random and reports a change of state — cars arriving
// more often in the day, leaving after a while — on the sensor's own shape
// (plain JSON for street sensors, ChirpStack uplinks with frame counters for
// car-park sensors), plus occasional heartbeats. With --rate 0 it publishes
// `count` messages as fast as the broker takes them (the ingest benchmark)
// and reports messages per second.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace sl::parking {

struct ParkingSimOptions {
  std::string mqtt = "mqtt://127.0.0.1:1883";
  uint64_t demo_seed = 1;
  uint64_t seed = 7;
  double rate = 20;        // messages per second; 0: as fast as possible
  double seconds = 60;     // run time with a rate
  int64_t count = 0;       // with rate 0: messages to publish
  double heartbeat_share = 0.1;
  int qos = 0;
};

// Returns the process exit code; prints a summary line to `out`.
int SimulateParkingCommand(const ParkingSimOptions& options, std::FILE* out);

}  // namespace sl::parking
