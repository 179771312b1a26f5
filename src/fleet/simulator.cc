#include "fleet/simulator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <queue>
#include <random>
#include <vector>

#include "fleet/demo_fleet.h"
#include "fleet/jt808/messages.h"
#include "geo/geofence.h"

namespace sl::fleet {
namespace {

using namespace jt808;
using SteadyClock = std::chrono::steady_clock;

constexpr double kCruiseKmh = 40;
constexpr double kSpeedingKmh = 55;  // above a 40 zone's tier 1 and a 30 zone's tier 2
const geo::LocalProjection kTongxiang({120.48, 30.63});

enum class State { kIdle, kConnecting, kRegistering, kAuthenticating, kWaiting, kReady, kDead };

struct Truck {
  int fd = -1;
  State state = State::kIdle;
  std::string phone;
  uint16_t serial = 0;
  FrameSplitter splitter;
  Bytes pending;  // bytes not yet written
  SteadyClock::time_point sent_at;
  geo::PointM at, to;
  SteadyClock::time_point moved_at;
  bool loaded = true;
  std::vector<geo::PointM> route;  // demo: the permit corridor, driven back and forth
  size_t next = 1;                 // index of the route point driven to
  bool forward = true;
  geo::PointM offset;              // demo misbehaviour: driving beside the route
  bool speeding = false;           // demo misbehaviour: ignores the speed zones
  double speed_kmh = kCruiseKmh;   // as last reported; the distance driven since
};

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Simulation {
 public:
  explicit Simulation(const SimulatorOptions& o) : o_(o), rng_(o.seed), trucks_(static_cast<size_t>(o.count)) {}

  Result<SimulatorReport> Run();

 private:
  geo::PointM RandomPoint() {
    std::uniform_real_distribution<double> d(-15000, 15000);
    return {d(rng_), d(rng_)};
  }
  void Connect(size_t i);
  void Fail(size_t i);
  void Send(size_t i, uint16_t msg_id, const Bytes& body);
  void Flush(size_t i);
  void SendFix(size_t i);
  void OnReadable(size_t i);
  void OnPacket(size_t i, const Packet& p);
  void Arm(size_t i, bool want_write);

  SimulatorOptions o_;
  std::mt19937_64 rng_;
  std::vector<Truck> trucks_;
  std::vector<SpeedZone> zones_;  // demo: the city's speed zones
  int epoll_ = -1;
  sockaddr_in addr_{};
  using Due = std::pair<SteadyClock::time_point, size_t>;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  bool measuring_ = false;
  SimulatorReport report_;
  std::vector<float> latencies_ms_;
};

void Simulation::Arm(size_t i, bool want_write) {
  epoll_event ev{};
  ev.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
  ev.data.u64 = i;
  epoll_ctl(epoll_, EPOLL_CTL_MOD, trucks_[i].fd, &ev);
}

void Simulation::Connect(size_t i) {
  Truck& t = trucks_[i];
  t.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(t.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::connect(t.fd, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_);
  t.state = State::kConnecting;
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLIN;
  ev.data.u64 = i;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, t.fd, &ev);
}

void Simulation::Fail(size_t i) {
  Truck& t = trucks_[i];
  if (t.state == State::kDead) return;
  ++report_.failed;
  if (t.state == State::kWaiting || t.state == State::kReady) --report_.connected;
  epoll_ctl(epoll_, EPOLL_CTL_DEL, t.fd, nullptr);
  ::close(t.fd);
  t.state = State::kDead;
}

void Simulation::Flush(size_t i) {
  Truck& t = trucks_[i];
  while (!t.pending.empty()) {
    const ssize_t n = ::send(t.fd, t.pending.data(), t.pending.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN) return Arm(i, true);
      return Fail(i);
    }
    t.pending.erase(t.pending.begin(), t.pending.begin() + n);
  }
  Arm(i, false);
}

void Simulation::Send(size_t i, uint16_t msg_id, const Bytes& body) {
  Truck& t = trucks_[i];
  Header h{.msg_id = msg_id, .phone = t.phone, .serial = t.serial++};
  Bytes frame = EncodeFrame(h, body);
  std::uniform_real_distribution<double> u(0, 1);
  if (o_.garbage_rate > 0 && u(rng_) < o_.garbage_rate) {
    const uint8_t junk[] = {0x01, 0xFF, 0x30};
    t.pending.insert(t.pending.end(), std::begin(junk), std::end(junk));
  }
  const bool split = o_.split_rate > 0 && u(rng_) < o_.split_rate;
  t.pending.insert(t.pending.end(), frame.begin(), frame.end() - (split ? frame.size() / 2 : 0));
  t.sent_at = SteadyClock::now();
  Flush(i);
  if (split && t.state != State::kDead) {
    t.pending.insert(t.pending.end(), frame.end() - frame.size() / 2, frame.end());
    Flush(i);
  }
}

void Simulation::SendFix(size_t i) {
  Truck& t = trucks_[i];
  const auto now = SteadyClock::now();
  double step = t.speed_kmh / 3.6 * std::chrono::duration<double>(now - t.moved_at).count();
  t.moved_at = now;
  const double dx = t.to.x - t.at.x, dy = t.to.y - t.at.y, left = std::hypot(dx, dy);
  if (step >= left && !t.route.empty()) {  // next corner; at either end turn round, tip or load
    t.at = t.to;
    if (t.forward ? t.next + 1 >= t.route.size() : t.next == 0) {
      t.forward = !t.forward;
      t.loaded = !t.loaded;
    }
    t.next = t.forward ? t.next + 1 : t.next - 1;
    t.to = t.route[t.next];
  } else if (step >= left) {  // arrived: tip or load, then head somewhere else
    t.at = t.to;
    t.to = RandomPoint();
    t.loaded = !t.loaded;
  } else {
    t.at = {t.at.x + dx / left * step, t.at.y + dy / left * step};
  }
  Location loc;
  const geo::LonLat ll = kTongxiang.ToLonLat({t.at.x + t.offset.x, t.at.y + t.offset.y});
  loc.lon = ll.lon;
  loc.lat = ll.lat;
  t.speed_kmh = t.speeding ? kSpeedingKmh : kCruiseKmh;
  for (const SpeedZone& zone : zones_) {
    if (!t.speeding && geo::PointInPolygon(ll, zone.area)) t.speed_kmh = std::min(t.speed_kmh, zone.limit_kmh);
  }
  loc.speed_kmh = t.speed_kmh;
  loc.direction = static_cast<uint16_t>(std::fmod(std::atan2(dx, dy) * 180 / M_PI + 360, 360));
  loc.status = status::kAccOn | status::kPositioned | (t.loaded ? 3u << 8 : 0u);
  loc.time_ms = WallMs();
  t.state = State::kWaiting;
  Send(i, msg::kLocation, EncodeLocation(loc));
}

void Simulation::OnPacket(size_t i, const Packet& p) {
  Truck& t = trucks_[i];
  switch (t.state) {
    case State::kRegistering: {
      auto reply = DecodeRegistrationReply(p.body);
      if (p.header.msg_id != msg::kRegisterReply || !reply.ok() || reply->result != 0) return Fail(i);
      t.state = State::kAuthenticating;
      return Send(i, msg::kAuthenticate, EncodeAuthentication({reply->auth_code, "", ""}, Edition::k2013));
    }
    case State::kAuthenticating: {
      auto reply = DecodeGeneralReply(p.body);
      if (!reply.ok() || reply->result != 0) return Fail(i);
      ++report_.connected;
      t.state = State::kReady;
      t.moved_at = SteadyClock::now();
      std::uniform_int_distribution<int> jitter(0, std::max(0, o_.interval_ms));
      due_.push({SteadyClock::now() + std::chrono::milliseconds(jitter(rng_)), i});
      return;
    }
    case State::kWaiting: {
      auto reply = DecodeGeneralReply(p.body);
      const auto now = SteadyClock::now();
      if (measuring_) {
        if (reply.ok() && reply->result == 0) {
          ++report_.round_trips;
          if (latencies_ms_.size() < 4'000'000)
            latencies_ms_.push_back(std::chrono::duration<float, std::milli>(now - t.sent_at).count());
        } else {
          ++report_.refused;
        }
      }
      t.state = State::kReady;
      if (o_.interval_ms == 0) return SendFix(i);
      due_.push({t.sent_at + std::chrono::milliseconds(o_.interval_ms), i});
      return;
    }
    default:
      return;
  }
}

void Simulation::OnReadable(size_t i) {
  Truck& t = trucks_[i];
  uint8_t buf[4096];
  std::vector<Bytes> packets;
  for (;;) {
    const ssize_t n = ::recv(t.fd, buf, sizeof buf, 0);
    if (n > 0) {
      t.splitter.Feed({buf, static_cast<size_t>(n)}, packets);
      continue;
    }
    if (n < 0 && errno == EAGAIN) break;
    return Fail(i);
  }
  for (const Bytes& bytes : packets) {
    auto p = ParsePacket(bytes);
    if (p.ok()) OnPacket(i, *p);
    if (t.state == State::kDead) return;
  }
}

Result<SimulatorReport> Simulation::Run() {
  if (inet_pton(AF_INET, o_.host.c_str(), &addr_.sin_addr) != 1)
    return Error::BadRequest("simulator host must be an IPv4 address", "host");
  addr_.sin_family = AF_INET;
  addr_.sin_port = htons(o_.port);
  // 10,000 trucks need 10,000 descriptors: raise the soft limit to the hard one.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  epoll_ = epoll_create1(0);
  DemoFleet demo;
  if (o_.demo_routes) demo = MakeDemoFleet(o_.demo_seed, o_.count);
  zones_ = demo.speed_zones;
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < trucks_.size(); ++i) {
    Truck& t = trucks_[i];
    char phone[32];
    std::snprintf(phone, sizeof phone, "%012llu", static_cast<unsigned long long>(o_.first_phone + i));
    t.phone = phone;
    t.at = RandomPoint();
    t.to = RandomPoint();
    if (!o_.demo_routes) continue;
    t.phone = demo.trucks[i].phone;
    for (const geo::LonLat& p : demo.permits[static_cast<size_t>(demo.trucks[i].permit)].permit.corridor)
      t.route.push_back(kTongxiang.ToMeters(p));
    t.at = t.route[0];
    t.to = t.route[1];
    if (u(rng_) < o_.off_route_rate) t.offset = {0, 300};
    if (o_.overspeed_rate > 0 && u(rng_) < o_.overspeed_rate) t.speeding = true;
  }

  const auto setup_deadline = SteadyClock::now() + std::chrono::seconds(60);
  SteadyClock::time_point measure_start{}, end = SteadyClock::time_point::max();
  size_t next_connect = 0;
  int connecting = 0;
  std::vector<epoll_event> events(1024);
  for (;;) {
    auto now = SteadyClock::now();
    // Connect in waves so the listen backlog never overflows.
    while (next_connect < trucks_.size() && connecting < 256) {
      Connect(next_connect++);
      ++connecting;
    }
    if (!measuring_ && (report_.connected + report_.failed >= o_.count || now > setup_deadline)) {
      measuring_ = true;
      measure_start = now;
      end = now + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(o_.seconds));
    }
    if (now >= end) break;
    // Fixes start once every truck has logged in (or set-up timed out), so
    // the measured window sees the whole fleet and set-up sees no fix load.
    while (measuring_ && !due_.empty() && due_.top().first <= now) {
      const size_t i = due_.top().second;
      due_.pop();
      if (trucks_[i].state == State::kReady) SendFix(i);
    }
    int timeout_ms = 50;
    if (!due_.empty()) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due_.top().first - now).count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(wait, 0, 50));
    }
    const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
    for (int e = 0; e < n; ++e) {
      const size_t i = events[e].data.u64;
      Truck& t = trucks_[i];
      if (t.state == State::kDead) continue;
      if (t.state == State::kConnecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(t.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if ((events[e].events & (EPOLLERR | EPOLLHUP)) || err != 0) {
          --connecting;
          Fail(i);
          continue;
        }
        if (!(events[e].events & EPOLLOUT)) continue;
        --connecting;
        t.state = State::kRegistering;
        Send(i, msg::kRegister,
             EncodeRegistration({33, 483, "SL", "SIM-1", t.phone.substr(5), 2, "浙F" + t.phone.substr(7)},
                                Edition::k2013));
        continue;
      }
      if (events[e].events & EPOLLOUT) Flush(i);
      if (t.state != State::kDead && (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) OnReadable(i);
    }
  }
  report_.seconds = std::chrono::duration<double>(SteadyClock::now() - measure_start).count();
  for (Truck& t : trucks_) {
    if (t.fd >= 0 && t.state != State::kDead) ::close(t.fd);
  }
  ::close(epoll_);
  if (!latencies_ms_.empty()) {
    std::sort(latencies_ms_.begin(), latencies_ms_.end());
    auto at = [&](double q) { return latencies_ms_[static_cast<size_t>(q * static_cast<double>(latencies_ms_.size() - 1))]; };
    report_.p50_ms = at(0.50);
    report_.p99_ms = at(0.99);
    report_.max_ms = latencies_ms_.back();
  }
  return report_;
}

}  // namespace

int SimulateTrucksCommand(SimulatorOptions options, const std::string& target, FILE* out) {
  const auto colon = target.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(out, "simulate: --jt808 must be host:port\n");
    return 2;
  }
  options.host = target.substr(0, colon);
  options.port = static_cast<uint16_t>(std::atoi(target.c_str() + colon + 1));
  Result<SimulatorReport> report = RunSimulator(options);
  if (!report.ok()) {
    std::fprintf(out, "simulate: %s\n", report.error().message.c_str());
    return 2;
  }
  const SimulatorReport& r = *report;
  std::fprintf(out,
               "simulate: %d trucks connected, %d failed; %llu fixes answered (%llu refused) in %.1f s\n"
               "FIGURE jt808_round_trips_per_s %.0f\nFIGURE jt808_latency_p50_ms %.2f\n"
               "FIGURE jt808_latency_p99_ms %.2f\nFIGURE jt808_latency_max_ms %.2f\n",
               r.connected, r.failed, static_cast<unsigned long long>(r.round_trips),
               static_cast<unsigned long long>(r.refused), r.seconds, r.per_second(), r.p50_ms, r.p99_ms, r.max_ms);
  std::fflush(out);
  return r.failed == 0 && r.refused == 0 ? 0 : 1;
}

Result<SimulatorReport> RunSimulator(const SimulatorOptions& options) {
  if (options.count < 1 || options.count > 100'000) return Error::BadRequest("count must be 1 to 100000", "count");
  if (options.seconds <= 0) return Error::BadRequest("seconds must be positive", "seconds");
  Simulation sim(options);
  return sim.Run();
}

}  // namespace sl::fleet
