// Checksum64 is XXH64: published test vectors, and streaming in any pieces.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checkpoints/checksum.h"

namespace recur::checkpoints {
namespace {

uint64_t xxh64(const std::string& s) {
  Checksum64 h;
  h.update(s.data(), s.size());
  return h.digest();
}

std::string pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7 + 3) & 0xff);
  return s;
}

TEST(Checksum64, MatchesPublishedXxh64Vectors) {
  EXPECT_EQ(xxh64(""), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(xxh64("a"), 0xD24EC4F1A98C6E5BULL);
  EXPECT_EQ(xxh64("abc"), 0x44BC2CF5AD770999ULL);
  EXPECT_EQ(xxh64("Hello, World!"), 0xC49AACF8080FE47FULL);
  // Longer than one 32-byte stripe; low 32 bits cross-checked with zstd's frame checksum.
  EXPECT_EQ(xxh64(pattern(1000)), 0x5f235fa033f1a3fbULL);
}

TEST(Checksum64, StreamingInAnyPiecesGivesTheSameDigest) {
  std::string data = pattern(1000);
  uint64_t whole = xxh64(data);
  for (size_t piece : {1, 3, 7, 31, 32, 33, 100, 999}) {
    Checksum64 h;
    for (size_t i = 0; i < data.size(); i += piece) h.update(data.data() + i, std::min(piece, data.size() - i));
    EXPECT_EQ(h.digest(), whole) << "piece " << piece;
  }
}

TEST(Checksum64, FramedStringsDistinguishSplits) {
  Checksum64 a, b;
  a.update_string("ab");
  a.update_string("c");
  b.update_string("a");
  b.update_string("bc");
  EXPECT_NE(a.digest(), b.digest());
}

TEST(Checksum64, HexRoundTripAndRejectsMalformedText) {
  uint64_t v = 0;
  EXPECT_EQ(checksum_to_hex(0x44BC2CF5AD770999ULL), "44bc2cf5ad770999");
  ASSERT_TRUE(checksum_from_hex("44bc2cf5ad770999", &v));
  EXPECT_EQ(v, 0x44BC2CF5AD770999ULL);
  EXPECT_FALSE(checksum_from_hex("44bc2cf5ad77099", &v));   // 15 digits
  EXPECT_FALSE(checksum_from_hex("44bc2cf5ad77099g", &v));  // not hex
  EXPECT_FALSE(checksum_from_hex("44BC2CF5AD770999", &v));  // we write lowercase only
}

}  // namespace
}  // namespace recur::checkpoints
