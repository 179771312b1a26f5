// Injectable time. Every rule that depends on "now" (token expiry, login
// throttling, deadlines) takes a Clock so tests can pin and advance time.
#pragma once

#include <atomic>
#include <cstdint>

namespace sl {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC epoch milliseconds.
  virtual int64_t NowMs() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  // A process-wide instance.
  static const SystemClock& Instance();
};

// A clock the test moves by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms) : now_(start_ms) {}
  int64_t NowMs() const override { return now_.load(); }
  void Set(int64_t ms) { now_.store(ms); }
  void Advance(int64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace sl
