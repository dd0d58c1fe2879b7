// The maze builder: the reference's character map and layout, the 8 dihedral
// versions with --dihedral (train only), and clear errors for malformed rows.
#include "datasets/maze_builder.h"

#include <gtest/gtest.h>

#include "datasets/dihedral.h"
#include "datasets/puzzle_row_reader.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::expect_input_error;
using testing::TempDir;

// 4x4 mazes (the builder takes any n x n): question, answer with the path 'o'.
const char* kQ1 = "#S  # ##  G#####";
const char* kA1 = "#Soo#o##oooG####";
const char* kQ2 = "S  ## #G####    ";
const char* kA2 = "Soo##o#G####    ";

std::string maze_csv(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string text = "source,question,answer,rating\n";
  for (const auto& [q, a] : rows) text += "gen," + q + "," + a + ",120\n";
  return text;
}

std::vector<uint8_t> tokens(const std::string& grid) {
  const std::string charset = "# SGo";
  std::vector<uint8_t> t;
  for (char c : grid) t.push_back(static_cast<uint8_t>(charset.find(c) + 1));
  return t;
}

std::vector<int32_t> row(const PuzzleMetadata& meta, Split split, int64_t r, bool labels) {
  std::vector<int32_t> in(meta.seq_len), lab(meta.seq_len);
  PuzzleRowReader(meta, split).read_range(r, 1, in.data(), lab.data());
  return labels ? lab : in;
}

std::vector<int32_t> as_int(const std::vector<uint8_t>& v) { return {v.begin(), v.end()}; }

TEST(MazeBuilder, TokensLayoutAndDihedralVersions) {
  TempDir dir;
  testing::write_text(dir / "train.csv", maze_csv({{kQ1, kA1}, {kQ2, kA2}}));
  testing::write_text(dir / "test.csv", maze_csv({{kQ2, kA2}}));
  MazeBuildOptions o{dir / "train.csv", dir / "test.csv", dir / "plain.h5", false, 2};
  MazeBuildReport r = build_maze_dataset(o);
  EXPECT_EQ(r.side, 4);
  EXPECT_EQ(r.train.total_groups, 2);
  EXPECT_EQ(r.train.total_examples, 2);
  EXPECT_EQ(r.test.total_examples, 1);
  PuzzleMetadata meta = read_puzzle_metadata(o.out);
  EXPECT_EQ(meta.vocab_size, 6);
  EXPECT_EQ(meta.seq_len, 16);
  EXPECT_EQ(meta.num_puzzle_identifiers, 1);
  EXPECT_EQ(row(meta, Split::kTrain, 0, false), as_int(tokens(kQ1)));
  EXPECT_EQ(row(meta, Split::kTrain, 1, true), as_int(tokens(kA2)));
  EXPECT_EQ(row(meta, Split::kTest, 0, false), as_int(tokens(kQ2)));

  o.dihedral = true;
  o.out = dir / "aug.h5";
  r = build_maze_dataset(o);
  EXPECT_EQ(r.train.total_groups, 2);
  EXPECT_EQ(r.train.total_puzzles, 16);  // 8 versions per maze, one example each
  EXPECT_EQ(r.test.total_puzzles, 1);    // the test split is not augmented
  meta = read_puzzle_metadata(o.out);
  const SplitIndex index = read_split_index(o.out, Split::kTrain);
  EXPECT_EQ(index.group_indices, (std::vector<int64_t>{0, 8, 16}));
  for (int32_t id : index.puzzle_identifiers) EXPECT_EQ(id, 0);
  const Grid q1{4, 4, tokens(kQ1)}, a1{4, 4, tokens(kA1)};
  for (int k = 0; k < kNumDihedral; ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(row(meta, Split::kTrain, k, false), as_int(dihedral_transform(q1, k).cells));
    EXPECT_EQ(row(meta, Split::kTrain, k, true), as_int(dihedral_transform(a1, k).cells));
  }
}

TEST(MazeBuilder, MalformedRowsNameFileAndLine) {
  TempDir dir;
  MazeBuildOptions o{dir / "train.csv", dir / "test.csv", dir / "m.h5", false, 1};
  testing::write_text(dir / "test.csv", maze_csv({{kQ2, kA2}}));
  testing::write_text(dir / "train.csv", maze_csv({{kQ1, kA1}, {kQ2, "Soo##o#G####   "}}));
  expect_input_error([&] { build_maze_dataset(o); }, {"train.csv:3", "answer has 15 characters", "4x4"});
  testing::write_text(dir / "train.csv", maze_csv({{kQ1, kA1}, {kQ2, "Sxo##o#G####    "}}));
  expect_input_error([&] { build_maze_dataset(o); }, {"train.csv:3", "'x' at character 2"});
  testing::write_text(dir / "train.csv", maze_csv({{"#S  # ##  G####", kA1}}));
  expect_input_error([&] { build_maze_dataset(o); }, {"train.csv:2", "15 is not a square"});
  testing::write_text(dir / "train.csv", maze_csv({{kQ1, kA1}}));
  testing::write_text(dir / "test.csv", maze_csv({{"#########", "#########"}}));  // 3x3, not 4x4
  expect_input_error([&] { build_maze_dataset(o); }, {"test.csv:2", "question has 9 characters"});
  testing::write_text(dir / "test.csv", "source,question,answer,rating\n");
  expect_input_error([&] { build_maze_dataset(o); }, {"test.csv", "no maze"});
  EXPECT_FALSE(std::filesystem::exists(o.out));
}

}  // namespace
}  // namespace recur::datasets
