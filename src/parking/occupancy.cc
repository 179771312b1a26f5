#include "parking/occupancy.h"

namespace sl::parking {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kTransition: return "transition";
    case Verdict::kSame: return "same";
    case Verdict::kHeartbeat: return "heartbeat";
    case Verdict::kLateMoved: return "late_moved";
    case Verdict::kLateSuperseded: return "late_superseded";
    case Verdict::kDuplicate: return "duplicate";
    case Verdict::kReplay: return "replay";
    case Verdict::kFlood: return "flood";
    case Verdict::kImpossibleTime: return "impossible_time";
    case Verdict::kUnknownSensor: return "unknown_sensor";
  }
  return "unknown";
}

bool Refused(Verdict v) {
  return v == Verdict::kReplay || v == Verdict::kFlood || v == Verdict::kImpossibleTime ||
         v == Verdict::kUnknownSensor;
}

SpaceState* Occupancy::Find(const std::string& sensor_id) {
  auto it = sensors_.find(sensor_id);
  return it == sensors_.end() ? nullptr : &it->second;
}

Outcome Occupancy::Apply(const Reading& r, int64_t now_ms) {
  Outcome out;
  SpaceState* s = Find(r.sensor_id);
  if (!s) return out;
  out.space = s;
  out.was_online = s->online;
  // Flood control counts every message, accepted or not, in a fixed window.
  if (now_ms - s->window_start_ms >= rules_.flood_window_ms || now_ms < s->window_start_ms) {
    s->window_start_ms = now_ms;
    s->window_count = 0;
  }
  if (++s->window_count > rules_.flood_limit) {
    out.verdict = Verdict::kFlood;
    return out;
  }
  const int64_t t = r.time_ms.value_or(now_ms);
  out.event_ms = t;
  if (t > now_ms + rules_.future_slack_ms || t < now_ms - rules_.max_age_ms) {
    out.verdict = Verdict::kImpossibleTime;
    return out;
  }
  if (r.fcnt && s->last_fcnt >= 0) {
    if (*r.fcnt == s->last_fcnt) {
      out.verdict = Verdict::kDuplicate;
      return out;
    }
    if (*r.fcnt < s->last_fcnt && t <= s->last_event_ms) {
      out.verdict = Verdict::kReplay;
      return out;
    }
  }
  if (!r.fcnt && r.occupied && *r.occupied == s->occupied && t == s->last_event_ms) {
    out.verdict = Verdict::kDuplicate;
    return out;
  }
  // Accepted from here on.
  s->last_seen_ms = now_ms;
  s->online = true;
  if (r.battery >= 0) s->battery = r.battery;
  if (r.fcnt && (t >= s->last_event_ms || *r.fcnt > s->last_fcnt)) s->last_fcnt = *r.fcnt;
  if (!r.occupied) {
    out.verdict = Verdict::kHeartbeat;
    return out;
  }
  if (t < s->since_ms) {
    // A late report. If it says what the space says now and falls after the
    // previous status began, the current status really began then.
    if (*r.occupied == s->occupied && t > s->prev_since_ms) {
      s->since_ms = t;
      out.verdict = Verdict::kLateMoved;
    } else {
      out.verdict = Verdict::kLateSuperseded;
    }
    return out;
  }
  if (t > s->last_event_ms) s->last_event_ms = t;
  if (*r.occupied == s->occupied) {
    out.verdict = Verdict::kSame;
    return out;
  }
  s->prev_since_ms = s->since_ms;
  s->occupied = *r.occupied;
  s->since_ms = t;
  out.verdict = Verdict::kTransition;
  return out;
}

std::vector<SpaceState*> Occupancy::Sweep(int64_t now_ms) {
  std::vector<SpaceState*> gone;
  for (auto& [id, s] : sensors_) {
    if (s.online && now_ms - s.last_seen_ms > rules_.offline_after_ms) {
      s.online = false;
      gone.push_back(&s);
    }
  }
  return gone;
}

}  // namespace sl::parking
