// A 64-bit content checksum (XXH64) that every checkpoint file carries.
//
// Why XXH64: it is fast enough to hash a 2 GB puzzle-embedding table in well
// under a second, 64 bits make an undetected random corruption practically
// impossible, and the algorithm is public and fixed, so a checksum written
// today verifies with any later build (or with Python's `xxhash` package).
// This is the streaming form: feed bytes in any pieces, get the same digest
// as hashing them in one go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace recur::checkpoints {

class Checksum64 {
 public:
  explicit Checksum64(uint64_t seed = 0);

  void update(const void* data, size_t size);
  // Framed helpers: each writes a fixed-width prefix, so ("ab","c") and
  // ("a","bc") hash differently when used to describe structured content.
  void update_u64(uint64_t value);
  void update_string(const std::string& s);  // length, then bytes

  uint64_t digest() const;  // does not change the state; more updates may follow

 private:
  void consume_stripe(const unsigned char* p);

  uint64_t lanes_[4];
  unsigned char buffer_[32];
  size_t buffered_ = 0;
  uint64_t total_ = 0;
  uint64_t seed_;
};

// 16 lowercase hex digits, the form stored in files and COMPLETE.
std::string checksum_to_hex(uint64_t value);
// The inverse; false unless `text` is exactly 16 hex digits.
bool checksum_from_hex(const std::string& text, uint64_t* value);

}  // namespace recur::checkpoints
