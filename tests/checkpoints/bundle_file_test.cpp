// StateBundle files: bit-exact round trips, and every corruption is caught.
#include <gtest/gtest.h>

#include <random>

#include "checkpoints/bundle_file.h"
#include "common/error.h"
#include "test_support.h"

namespace recur::checkpoints {
namespace {

namespace fs = std::filesystem;

using testing::bit_identical;
using testing::same_bundle;
using testing::ScratchDir;

// Every dtype recur stores, with awkward values: NaN, -0.0, inf, negative bf16.
StateBundle all_dtypes_bundle() {
  torch::manual_seed(3);
  StateBundle b;
  torch::Tensor f32 = torch::randn({5, 7});
  f32[0][0] = std::numeric_limits<float>::quiet_NaN();
  f32[0][1] = -0.0f;
  f32[0][2] = -std::numeric_limits<float>::infinity();
  b.add_tensor("z_last/float32", f32);
  b.add_tensor("a_first/float64", torch::randn({3, 2}, torch::kFloat64));
  b.add_tensor("carry/z_H", torch::randn({2, 3, 4}).to(torch::kBFloat16));  // half of them negative
  b.add_tensor("float16", torch::randn({6}).to(torch::kFloat16));
  b.add_tensor("int32", torch::tensor({-2147483647 - 1, 0, 2147483647}, torch::kInt32));
  b.add_tensor("int64", torch::tensor({std::numeric_limits<int64_t>::min(), int64_t{-1}, int64_t{1} << 62}));
  b.add_tensor("int16", torch::tensor({-32768, 32767}, torch::kInt16));
  b.add_tensor("int8", torch::tensor({-128, 127}, torch::kInt8));
  b.add_tensor("uint8", torch::arange(256, torch::kInt32).to(torch::kUInt8));
  b.add_tensor("bool", torch::tensor({true, false, false, true}));
  b.add_tensor("empty", torch::empty({0, 3}));
  b.add_tensor("scalar", torch::tensor(2.5, torch::kFloat64));
  b.add_tensor("transposed", torch::arange(12, torch::kFloat32).reshape({3, 4}).t());  // non-contiguous
  b.set_record("step", int64_t{123456789012});
  b.set_record("lr", 1e-4);
  b.set_record("config", std::string("arch:\n  name: trm  # ünïcode\n"));
  b.set_record("cursor", std::vector<int64_t>{3, -1, int64_t{1} << 40});
  b.set_record("no_cursor", std::vector<int64_t>{});
  b.set_record("names", std::vector<std::string>{"inner.H_init", "", "inner.L_init"});
  b.set_record("no_names", std::vector<std::string>{});
  return b;
}

TEST(BundleFile, RoundTripIsBitIdenticalForEveryDtypeRecordAndOrder) {
  ScratchDir dir;
  StateBundle saved = all_dtypes_bundle();
  uint64_t written = write_bundle(dir / "state.h5", saved);
  uint64_t verified = 0;
  StateBundle loaded = read_bundle(dir / "state.h5", &verified);
  EXPECT_TRUE(same_bundle(saved, loaded));  // names in insertion order, not sorted
  EXPECT_EQ(written, verified);
  EXPECT_EQ(written, bundle_checksum(saved));
  EXPECT_EQ(loaded.source(), dir / "state.h5");
  EXPECT_EQ(loaded.get_int("step"), 123456789012);
  EXPECT_TRUE(loaded.get_ints("no_cursor").empty());
  EXPECT_EQ(loaded.get_strings("names")[2], "inner.L_init");
}

TEST(BundleFile, EmptyBundleRoundTrips) {
  ScratchDir dir;
  write_bundle(dir / "empty.h5", StateBundle{});
  StateBundle loaded = read_bundle(dir / "empty.h5");
  EXPECT_TRUE(loaded.tensors().empty());
  EXPECT_TRUE(loaded.records().empty());
}

TEST(BundleFile, SummaryReadsShapesAndRecordsWithoutData) {
  ScratchDir dir;
  StateBundle saved = all_dtypes_bundle();
  uint64_t checksum = write_bundle(dir / "state.h5", saved);
  BundleSummary s = read_bundle_summary(dir / "state.h5");
  ASSERT_EQ(s.tensors.size(), saved.tensors().size());
  EXPECT_EQ(s.tensors[2].first, "carry/z_H");
  EXPECT_EQ(s.tensors[2].second.dtype, torch::kBFloat16);
  EXPECT_EQ(s.tensors[2].second.sizes, (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(s.checksum, checksum);
  EXPECT_EQ(s.records, saved.records());
}

TEST(BundleFile, FlippedByteInTheMiddleIsACorruptFileError) {
  ScratchDir dir;
  StateBundle b;
  b.add_tensor("model/big", torch::arange(1 << 18, torch::kFloat32));  // 1 MiB: the middle is tensor data
  write_bundle(dir / "m.h5", b);
  testing::flip_byte(dir / "m.h5", static_cast<std::streamoff>(fs::file_size(dir / "m.h5") / 2));
  try {
    read_bundle(dir / "m.h5");
    FAIL() << "corruption not detected";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), dir / "m.h5");
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
  }
}

TEST(BundleFile, AnyFlippedByteIsDetectedOrHarmlessNeverACrash) {
  // Flip bytes all over the file (header, metadata, heap, data): each load
  // must either fail with an InputError or return exactly what was saved
  // (a flip in unused padding changes nothing).
  ScratchDir dir;
  StateBundle saved = all_dtypes_bundle();
  write_bundle(dir / "orig.h5", saved);
  auto size = static_cast<std::streamoff>(fs::file_size(dir / "orig.h5"));
  std::mt19937 rng(7);
  int detected = 0, harmless = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::streamoff offset = trial < 100 ? trial * size / 100 : std::uniform_int_distribution<std::streamoff>(0, size - 1)(rng);
    fs::copy_file(dir / "orig.h5", dir / "copy.h5", fs::copy_options::overwrite_existing);
    testing::flip_byte(dir / "copy.h5", offset);
    try {
      StateBundle loaded = read_bundle(dir / "copy.h5");
      ASSERT_TRUE(same_bundle(saved, loaded)) << "flip at " << offset << " gave different content silently";
      ++harmless;
    } catch (const InputError&) {
      ++detected;
    }
  }
  // Much of a small HDF5 file is padding inside metadata blocks, where a
  // flip is harmless; the rest must be caught.
  EXPECT_GT(detected, 50);
  RecordProperty("detected_flips", detected);
  RecordProperty("harmless_flips", harmless);
}

TEST(BundleFile, TruncatedFileIsAnInputError) {
  ScratchDir dir;
  write_bundle(dir / "orig.h5", all_dtypes_bundle());
  std::uintmax_t size = fs::file_size(dir / "orig.h5");
  for (std::uintmax_t keep : {std::uintmax_t{0}, std::uintmax_t{100}, size / 2, size - 1}) {
    fs::copy_file(dir / "orig.h5", dir / "t.h5", fs::copy_options::overwrite_existing);
    testing::truncate_file(dir / "t.h5", keep);
    EXPECT_THROW(read_bundle(dir / "t.h5"), InputError) << "kept " << keep << " of " << size << " bytes";
  }
}

TEST(BundleFile, MissingAndForeignFilesAreClearErrors) {
  ScratchDir dir;
  try {
    read_bundle(dir / "nope.h5");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing or unreadable"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "text.h5") << "hello";
  EXPECT_THROW(read_bundle(dir / "text.h5"), InputError);
  {  // an HDF5 file that is not a recur checkpoint (e.g. a puzzle dataset)
    H5Handle f = create_h5(dir / "foreign.h5");
    write_attr(f.get(), ".", "format", std::string("recur-puzzles"));
  }
  try {
    read_bundle(dir / "foreign.h5");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not a recur checkpoint file"), std::string::npos) << e.what();
  }
}

TEST(BundleFile, WritesLeaveNoTemporaryAndAFailedWriteLeavesNothing) {
  ScratchDir dir;
  write_bundle(dir / "a.h5", all_dtypes_bundle());
  write_bundle(dir / "a.h5", testing::model_bundle(1));  // replacing is atomic too
  EXPECT_TRUE(same_bundle(read_bundle(dir / "a.h5"), testing::model_bundle(1)));
  EXPECT_THROW(write_bundle(dir / "no_such_folder/a.h5", testing::model_bundle(1)), std::exception);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"a.h5"});
}

TEST(StateBundle, RejectsNamesHdf5CannotHoldAndReservedRecordKeys) {
  StateBundle b;
  torch::Tensor t = torch::zeros({1});
  b.add_tensor("model/a", t);
  for (const char* bad : {"", "/x", "x/", "a//b", "a/./b", "../x", "two\nlines", "model/a", "model", "model/a/b"})
    EXPECT_THROW(b.add_tensor(bad, t), std::invalid_argument) << bad;
  EXPECT_THROW(b.add_tensor("undefined", torch::Tensor()), std::invalid_argument);
  for (const char* reserved : {"format", "version", "checksum", "tensor_order", "", "a/b"})
    EXPECT_THROW(b.set_record(reserved, int64_t{1}), std::invalid_argument) << reserved;
}

TEST(StateBundle, GettersNameTheFileWhenARecordIsMissingOrOfAnotherType) {
  ScratchDir dir;
  write_bundle(dir / "r.h5", testing::model_bundle(5));
  StateBundle b = read_bundle(dir / "r.h5");
  EXPECT_EQ(b.get_string("config").substr(0, 5), "arch:");
  try {
    b.get_int("config");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), dir / "r.h5");
    EXPECT_NE(std::string(e.what()).find("record 'config' is not an integer"), std::string::npos) << e.what();
  }
  EXPECT_THROW(b.get_double("epoch"), InputError);
  EXPECT_THROW(b.tensor("model/nope"), InputError);
  EXPECT_EQ(b.group("model").size(), 2u);
  EXPECT_EQ(b.group("model")[1].first, "inner.H_init");
}

}  // namespace
}  // namespace recur::checkpoints
