// The demo city's random source.
//
// std::mt19937_64's output sequence is fixed by the C++ standard, but the
// std::uniform_*_distribution adaptors are not (libstdc++ and libc++ turn the
// same bits into different numbers), so every draw here goes through these
// helpers to keep a seed's city identical across builds and platforms.
//
// Not thread-safe; one instance per generation, drawn in a fixed order.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace sl::demo {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }
  // Uniform in [0, 1) with 53 bits of precision.
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  // Uniform integer in [lo, hi] (inclusive), without modulo bias.
  int64_t Int(int64_t lo, int64_t hi);
  // True with probability p.
  bool Chance(double p) { return Unit() < p; }
  // An index into `weights`, drawn proportionally to them (all >= 0, sum > 0).
  size_t Weighted(std::span<const double> weights);
  // A uniformly chosen element.
  template <class T>
  const T& Pick(std::span<const T> items) {
    return items[static_cast<size_t>(Int(0, static_cast<int64_t>(items.size()) - 1))];
  }
  // `n` decimal digits.
  std::string Digits(int n);
  // Fisher–Yates shuffle.
  template <class T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[static_cast<size_t>(Int(0, i - 1))]);
  }

 private:
  std::mt19937_64 engine_;
};

// Splits `total` into parts proportional to `weights` (largest remainder,
// ties to the lower index), so the parts always sum to `total`.
std::vector<int> Apportion(int total, std::span<const double> weights);

}  // namespace sl::demo
