// The Sudoku builder: skipping unusable puzzles, the seeded split, the
// augmented train split staying valid, and reproducible files.
#include "datasets/sudoku_builder.h"

#include <gtest/gtest.h>

#include <set>

#include "datasets/puzzle_row_reader.h"
#include "datasets/sudoku_generator.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::expect_input_error;
using testing::TempDir;

// Every row of a split as (givens, solution) grids, tokens decoded (value + 1).
std::vector<std::pair<SudokuGrid, SudokuGrid>> read_split(const std::string& path, Split split) {
  const PuzzleMetadata meta = read_puzzle_metadata(path);
  const int64_t n = meta.split(split).total_examples;
  PuzzleRowReader reader(meta, split);
  std::vector<int32_t> in(n * 81), lab(n * 81);
  if (n > 0) reader.read_range(0, n, in.data(), lab.data());
  std::vector<std::pair<SudokuGrid, SudokuGrid>> rows(n);
  for (int64_t r = 0; r < n; ++r) {
    for (int i = 0; i < 81; ++i) {
      EXPECT_GE(in[r * 81 + i], 1);
      EXPECT_GE(lab[r * 81 + i], 2);  // every cell supervised: no ignored label
      rows[r].first[i] = static_cast<uint8_t>(in[r * 81 + i] - 1);
      rows[r].second[i] = static_cast<uint8_t>(lab[r * 81 + i] - 1);
    }
  }
  return rows;
}

TEST(SudokuBuilder, GeneratedSplitIsValidAugmentedAndDisjoint) {
  TempDir dir;
  SudokuBuildOptions o;
  o.generate = 60;
  o.givens = 30;
  o.train_size = 20;
  o.augment = 4;
  o.threads = 2;
  o.out = dir / "sudoku.h5";
  const SudokuBuildReport r = build_sudoku_dataset(o);
  EXPECT_EQ(r.usable, 60);
  EXPECT_EQ(r.train.total_groups, 20);
  EXPECT_EQ(r.train.total_puzzles, 100);
  EXPECT_EQ(r.train.total_examples, 100);
  EXPECT_EQ(r.test.total_groups, 40);  // the rest, not augmented
  EXPECT_EQ(r.test.total_examples, 40);

  const PuzzleMetadata meta = read_puzzle_metadata(o.out);
  EXPECT_EQ(meta.vocab_size, 11);
  EXPECT_EQ(meta.seq_len, 81);
  EXPECT_EQ(meta.num_puzzle_identifiers, 1);
  EXPECT_DOUBLE_EQ(meta.train.mean_puzzle_examples, 1.0);
  for (int32_t id : read_split_index(o.out, Split::kTrain).puzzle_identifiers) EXPECT_EQ(id, 0);

  const auto train = read_split(o.out, Split::kTrain), test = read_split(o.out, Split::kTest);
  const auto generated = generate_sudokus(60, 30, o.seed, 1);
  const std::set<SudokuGrid> all(generated.begin(), generated.end());
  std::set<SudokuGrid> train_puzzles;
  for (size_t row = 0; row < train.size(); ++row) {
    EXPECT_TRUE(is_valid_sudoku_solution(train[row].second, train[row].first)) << row;
    train_puzzles.insert(train[row].first);
    if (row % 5 == 0) EXPECT_TRUE(all.count(train[row].first)) << "version 0 is the original";
    if (row % 5 != 0) EXPECT_NE(train[row].first, train[row - row % 5].first) << "versions differ";
  }
  for (const auto& [puzzle, solution] : test) {
    EXPECT_TRUE(all.count(puzzle));
    EXPECT_FALSE(train_puzzles.count(puzzle)) << "a test puzzle appears in train";
    const SudokuSolveResult s = solve_sudoku(puzzle);
    EXPECT_EQ(s.solutions, 1);
    EXPECT_EQ(s.solution, solution);
  }
}

TEST(SudokuBuilder, SkipsDuplicateUnsolvableAndAmbiguousPuzzles) {
  TempDir dir;
  std::string text = "# a list\n";
  for (const auto& p : generate_sudokus(5, 30, 1, 1)) text += testing::sudoku_line(p) + "\r\n";
  text += std::string(testing::kClassicSudoku) + "\n" + testing::kClassicSudoku + "\n";  // one duplicate
  text += "55" + std::string(testing::kClassicSudoku).substr(2) + "\n";  // clashing givens: no solution
  text += std::string(81, '.') + "\n";                   // several solutions
  testing::write_text(dir / "list.txt", text);
  SudokuBuildOptions o;
  o.puzzle_files = {dir / "list.txt"};
  o.train_size = 4;
  o.augment = 2;
  o.out = dir / "s.h5";
  const SudokuBuildReport r = build_sudoku_dataset(o);
  EXPECT_EQ(r.read, 9);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(r.no_solution, 1);
  EXPECT_EQ(r.several_solutions, 1);
  EXPECT_EQ(r.usable, 6);
  EXPECT_EQ(r.train.total_groups, 4);
  EXPECT_EQ(r.test.total_groups, 2);

  o.train_size = 6;  // leaves nothing for test
  expect_input_error([&] { build_sudoku_dataset(o); }, {"--train-size", "only 6 usable"});
  testing::write_text(dir / "bad.txt", std::string(81, '.') + "\n");
  o.puzzle_files = {dir / "bad.txt"};
  o.out = dir / "bad.h5";
  expect_input_error([&] { build_sudoku_dataset(o); }, {"bad.txt", "no usable puzzle", "1 with several"});
  EXPECT_FALSE(std::filesystem::exists(o.out));
  testing::write_text(dir / "malformed.txt", std::string(testing::kClassicSudoku) + "\n" + testing::kClassicSudoku + "1\n");
  o.puzzle_files = {dir / "malformed.txt"};
  expect_input_error([&] { build_sudoku_dataset(o); }, {"malformed.txt:2", "81 characters"});
  EXPECT_EQ(testing::files_in(dir.path()), (std::vector<std::string>{"bad.txt", "list.txt", "malformed.txt", "s.h5"}));
}

TEST(SudokuBuilder, ByteIdenticalForAnyThreadCount) {
  TempDir dir;
  SudokuBuildOptions o;
  o.generate = 30;
  o.givens = 32;
  o.train_size = 10;
  o.augment = 50;
  o.threads = 1;
  o.out = dir / "one.h5";
  build_sudoku_dataset(o);
  o.threads = 2;
  o.out = dir / "two.h5";
  build_sudoku_dataset(o);
  EXPECT_EQ(testing::read_bytes(dir / "one.h5"), testing::read_bytes(dir / "two.h5"));
  o.seed = 1;
  o.out = dir / "other.h5";
  build_sudoku_dataset(o);
  EXPECT_NE(testing::read_bytes(dir / "one.h5"), testing::read_bytes(dir / "other.h5"));
}

}  // namespace
}  // namespace recur::datasets
