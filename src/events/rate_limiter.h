// A token bucket per client address for the public (no-login) routes: each
// address may make `burst` writes at once and then one every `refill_ms`.
// Time comes from the injected clock. Thread-safe. Addresses not seen for an
// hour are forgotten so the table stays small.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/result.h"

namespace sl::events {

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, int burst = 20, int64_t refill_ms = 6000)
      : clock_(clock), burst_(burst), refill_ms_(refill_ms) {}

  // Takes one token for `client`, or kTooManyRequests saying when to retry.
  Status Take(const std::string& client) {
    const int64_t now = clock_.NowMs();
    std::lock_guard lock(mutex_);
    if (buckets_.size() > 10000) {
      for (auto it = buckets_.begin(); it != buckets_.end();)
        it = now - it->second.at_ms > 3600'000 ? buckets_.erase(it) : std::next(it);
    }
    auto [it, fresh] = buckets_.try_emplace(client, Bucket{static_cast<double>(burst_), now});
    Bucket& b = it->second;
    if (!fresh) {
      b.tokens = std::min<double>(burst_, b.tokens + static_cast<double>(now - b.at_ms) / refill_ms_);
      b.at_ms = now;
    }
    if (b.tokens < 1)
      return Error::TooManyRequests("too many reports from this address; try again in " +
                                    std::to_string((refill_ms_ + 999) / 1000) + " s");
    b.tokens -= 1;
    return {};
  }

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  const Clock& clock_;
  const int burst_;
  const int64_t refill_ms_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace sl::events
