// SplitMix64 keyed by a tuple of integers (see rng.h).
#include "datasets/rng.h"

#include <numeric>

namespace recur::datasets {
namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

uint64_t mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

Rng::Rng(std::initializer_list<uint64_t> key) {
  // Fold the key in order, so {a, b} and {b, a} are different streams.
  uint64_t h = 0x6A09E667F3BCC908ull;
  for (uint64_t k : key) h = mix(h + kGolden + mix(k));
  state_ = h;
}

uint64_t Rng::next_u64() {
  state_ += kGolden;
  return mix(state_);
}

uint64_t Rng::uniform(uint64_t n) {
  // Reject the low values that would make x % n biased.
  const uint64_t threshold = (0 - n) % n;
  for (;;) {
    const uint64_t x = next_u64();
    if (x >= threshold) return x % n;
  }
}

double Rng::uniform_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

std::vector<int32_t> Rng::permutation(int64_t n) {
  std::vector<int32_t> p(static_cast<size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  shuffle(p);
  return p;
}

uint64_t hash_name(std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

}  // namespace recur::datasets
