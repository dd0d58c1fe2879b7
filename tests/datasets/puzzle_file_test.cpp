// The puzzle file reader rejects anything malformed with one InputError
// naming the file and the problem, and a corrupt chunk surfaces from the
// loader's prefetch thread as an error in next().
#include "datasets/puzzle_file.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include "datasets/h5_io.h"
#include "datasets/train_loader.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::expect_input_error;

struct GoodFile {
  testing::TempDir dir;
  std::string path = dir / "good.h5";
  GoodFile() { testing::write_row_file(path, std::vector<std::vector<int>>(300, std::vector<int>{2, 3})); }

  // Opens the file for editing and applies `edit` to it.
  void edit(const std::function<void(hid_t)>& fn) {
    H5Handle f(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    ASSERT_TRUE(f.valid());
    fn(f.get());
  }
};

TEST(PuzzleFile, ReadsTheMetadataOfAGoodFile) {
  GoodFile f;
  const PuzzleMetadata m = read_puzzle_metadata(f.path);
  EXPECT_EQ(m.seq_len, 4);
  EXPECT_EQ(m.vocab_size, 256);
  EXPECT_EQ(m.num_puzzle_identifiers, 601);
  EXPECT_EQ(m.train.total_groups, 300);
  EXPECT_EQ(m.train.total_puzzles, 600);
  EXPECT_EQ(m.train.total_examples, 1500);
  EXPECT_DOUBLE_EQ(m.train.mean_puzzle_examples, 2.5);
  EXPECT_TRUE(is_puzzle_file(f.path));
  EXPECT_EQ(read_identifiers(f.path).size(), 601u);
  EXPECT_FALSE(read_test_puzzles(f.path).has_value());
}

TEST(PuzzleFile, MissingForeignAndTruncatedFiles) {
  GoodFile f;
  expect_input_error([&] { read_puzzle_metadata(f.dir / "nope.h5"); }, {"nope.h5", "cannot open file"});
  testing::write_text(f.dir / "text.h5", "hello");
  expect_input_error([&] { read_puzzle_metadata(f.dir / "text.h5"); }, {"text.h5", "not an HDF5 file"});
  EXPECT_FALSE(is_puzzle_file(f.dir / "text.h5"));
  const std::string bytes = testing::read_bytes(f.path);
  testing::write_text(f.dir / "cut.h5", bytes.substr(0, bytes.size() / 2));
  expect_input_error([&] { read_puzzle_metadata(f.dir / "cut.h5"); }, {"cut.h5", "truncated or corrupt"});
  H5Handle other(H5Fcreate((f.dir / "other.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  other.reset();
  expect_input_error([&] { read_puzzle_metadata(f.dir / "other.h5"); }, {"other.h5", "not a recur puzzle file"});
}

TEST(PuzzleFile, WrongVersionTypeShapeAndCounts) {
  {
    GoodFile f;
    f.edit([&](hid_t h) {
      H5Adelete(h, "version");
      h5_write_attr(h, "version", int64_t(2), f.path);
    });
    expect_input_error([&] { read_puzzle_metadata(f.path); }, {"good.h5", "version 2 is not supported"});
  }
  {
    GoodFile f;
    f.edit([&](hid_t h) {
      H5Ldelete(h, "/train/labels", H5P_DEFAULT);
      h5_write_vector(h, "/train/labels", std::vector<int32_t>(6000, 1), f.path);
    });
    expect_input_error([&] { read_puzzle_metadata(f.path); }, {"good.h5", "/train/labels must be uint8"});
  }
  {
    GoodFile f;
    f.edit([&](hid_t h) {
      H5Ldelete(h, "/test/puzzle_indices", H5P_DEFAULT);
      h5_write_vector(h, "/test/puzzle_indices", std::vector<int64_t>(5, 0), f.path);
    });
    expect_input_error([&] { read_puzzle_metadata(f.path); }, {"/test/puzzle_indices has shape [5], expected [601]"});
  }
  {
    GoodFile f;
    f.edit([&](hid_t h) { H5Adelete(h, "seq_len"); });
    expect_input_error([&] { read_puzzle_metadata(f.path); }, {"good.h5", "attribute 'seq_len' is missing"});
  }
  {
    GoodFile f;
    f.edit([&](hid_t h) { H5Ldelete(h, "/test", H5P_DEFAULT); });
    expect_input_error([&] { read_puzzle_metadata(f.path); }, {"good.h5", "group /test is missing"});
  }
  {
    GoodFile f;
    f.edit([&](hid_t h) {
      std::vector<int64_t> offsets = h5_read_int64_vector(h, "/train/puzzle_indices", f.path);
      std::swap(offsets[10], offsets[11]);
      H5Ldelete(h, "/train/puzzle_indices", H5P_DEFAULT);
      h5_write_vector(h, "/train/puzzle_indices", offsets, f.path);
    });
    read_puzzle_metadata(f.path);  // shapes are fine ...
    expect_input_error([&] { read_split_index(f.path, Split::kTrain); }, {"puzzle_indices is not increasing"});
  }
}

TEST(PuzzleFile, CorruptChunkIsAnErrorFromNext) {
  GoodFile f;
  {  // Overwrite the first chunk of /train/inputs with garbage.
    H5Handle file(H5Fopen(f.path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    H5Handle d(H5Dopen2(file.get(), "/train/inputs", H5P_DEFAULT), H5Dclose);
    hsize_t offset[2];
    unsigned mask = 0;
    haddr_t address = 0;
    hsize_t size = 0;
    H5Handle space(H5Dget_space(d.get()), H5Sclose);
    ASSERT_GE(H5Dget_chunk_info(d.get(), space.get(), 0, offset, &mask, &address, &size), 0);
    space.reset();
    d.reset();
    file.reset();
    std::string bytes = testing::read_bytes(f.path);
    for (hsize_t i = 0; i < size; ++i) bytes[address + i] = char(0xFF);
    testing::write_text(f.path, bytes);
  }
  TrainLoaderOptions o;
  o.global_batch_size = 2000;   // more than the file has per iteration: every row is read...
  o.epochs_per_iteration = 10;  // ... over 10 epochs
  TrainLoader loader(f.path, o);
  expect_input_error([&] { loader.next(); }, {"good.h5", "cannot read example rows"});
}

}  // namespace
}  // namespace recur::datasets
