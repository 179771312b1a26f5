// Truck simulator: drives N JT/T 808 terminals over real TCP against a
// platform (`sightline simulate trucks`, the demo and the load bench).
//
// Each truck connects, registers (0x0100), authenticates with the code from
// 0x8100 (0x0102), then reports 0x0200 fixes while driving straight legs
// between random points of the Tongxiang box at ~40 km/h, loaded on the way
// out and empty on the way back (status bits 8–9). Every message waits for its
// reply before the next one is sent, so `round_trips` counts protocol
// exchanges the server really answered and the latency is send → reply.
// With interval_ms = 0 each truck sends its next fix as soon as the previous
// one is answered (closed loop: the throughput test). Misbehaviour, by rate:
// garbage bytes before a frame, frames split across two writes. Fixes start
// once every truck has logged in (or after a 60 s set-up limit), and only
// that driving time is measured.
//
// One thread, epoll, non-blocking sockets. Not thread-safe; Run blocks for
// `seconds` (plus connection set-up).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "common/result.h"

namespace sl::fleet {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 6808;
  int count = 10;
  double seconds = 10;
  int interval_ms = 1000;        // between fixes of one truck; 0: closed loop
  uint64_t first_phone = 13500000000;  // terminal phones count up from here
  double garbage_rate = 0;       // fraction of frames preceded by junk bytes
  double split_rate = 0;         // fraction of frames written in two parts
  // Drive the demo fleet (demo_fleet.h, same seed as `sightline demo`): truck
  // i uses the demo phone and shuttles along its own permit's corridor;
  // `off_route_rate` of them drive 300 m beside it. The demo's speed zones
  // are known: a truck slows to a zone's limit inside it, except the
  // `overspeed_rate` of trucks that drive 55 km/h everywhere.
  bool demo_routes = false;
  uint64_t demo_seed = 1;
  double off_route_rate = 0;
  double overspeed_rate = 0;
  uint64_t seed = 1;
};

struct SimulatorReport {
  int connected = 0;             // trucks that authenticated
  int failed = 0;                // connect, register or auth failures, resets
  uint64_t round_trips = 0;      // fixes answered with 0x8001 result 0
  uint64_t refused = 0;          // answered with a non-zero result
  double seconds = 0;            // measured driving time
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(round_trips) / seconds : 0; }
};

Result<SimulatorReport> RunSimulator(const SimulatorOptions& options);

// `sightline simulate trucks`: `target` is "host:port" of the JT/T 808
// server. Prints the report (and FIGURE lines for the bench) to `out`;
// returns the process exit status (non-zero when a truck failed or a fix was
// refused).
int SimulateTrucksCommand(SimulatorOptions options, const std::string& target, FILE* out);

}  // namespace sl::fleet
