// Counter-based random numbers for every random choice in datasets/.
//
// Builders and loaders must give the same result whatever the thread count,
// the rank count, or where a run resumed. So no stream is shared: each choice
// opens its own small generator keyed by what it is about, e.g.
// Rng({seed, task_hash, version, example}). Two choices with different keys
// are independent; the same key always gives the same numbers.
//
// The generator is SplitMix64 (Steele, Lea, Flood 2014), the key is folded in
// with its finaliser. Integer draws use rejection sampling, never
// std::uniform_int_distribution, whose output differs between standard
// libraries: a file built on one machine is byte-identical on another.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace recur::datasets {

class Rng {
 public:
  explicit Rng(std::initializer_list<uint64_t> key);

  uint64_t next_u64();
  // Uniform integer in [0, n); n > 0.
  uint64_t uniform(uint64_t n);
  // Uniform in [0, 1) with 53 random bits.
  double uniform_double();

  // Fisher-Yates shuffle of v.
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[uniform(i)]);
  }
  // A random permutation of 0..n-1.
  std::vector<int32_t> permutation(int64_t n);

 private:
  uint64_t state_ = 0;
};

// A stable 64-bit hash of a string (FNV-1a), to key streams by names such as
// an ARC task id.
uint64_t hash_name(std::string_view name);

}  // namespace recur::datasets
