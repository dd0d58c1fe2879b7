// SHA-256 (FIPS 180-4), for the source-file digests recorded in a puzzle
// file's `builder` attribute: `sha256sum` on the user's side gives the same
// hex string, so anyone can check which inputs built a file.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace recur::datasets {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  // Lower-case hex digest; the object is finished afterwards.
  std::string hex_digest();

 private:
  void compress(const uint8_t* block);
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buffer_{};
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

// Digest of a whole file; an unreadable file is an InputError naming it.
std::string sha256_file(const std::string& path);

}  // namespace recur::datasets
