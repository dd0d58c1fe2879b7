// The reference's Sudoku CSVs (source,question,answer,rating) read as puzzle
// lists, and --test-puzzles: train drawn from one set of lists, the test split
// from another (the reference protocol: 1000 of train.csv, all of test.csv).
#include <gtest/gtest.h>

#include <set>

#include "datasets/puzzle_csv.h"
#include "datasets/puzzle_row_reader.h"
#include "datasets/sudoku_builder.h"
#include "datasets/sudoku_generator.h"
#include "datasets/sudoku_puzzle_list.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::expect_input_error;
using testing::TempDir;

// A CSV in the HF layout: header, then source,question,answer,rating rows.
std::string csv(const std::vector<SudokuGrid>& puzzles, const std::string& header = "source,question,answer,rating") {
  std::string text = header.empty() ? "" : header + "\r\n";
  for (const SudokuGrid& p : puzzles) {
    const SudokuSolveResult s = solve_sudoku(p);
    text += "tdoku_x," + testing::sudoku_line(p) + "," + testing::sudoku_line(s.solution) + ",12\r\n";
  }
  return text;
}

// The givens of every example of a split (tokens are value + 1).
std::set<SudokuGrid> split_puzzles(const std::string& path, Split split) {
  const PuzzleMetadata meta = read_puzzle_metadata(path);
  const int64_t n = meta.split(split).total_examples;
  std::vector<int32_t> in(n * 81), lab(n * 81);
  PuzzleRowReader(meta, split).read_range(0, n, in.data(), lab.data());
  std::set<SudokuGrid> out;
  for (int64_t r = 0; r < n; ++r) {
    SudokuGrid g{};
    for (int i = 0; i < 81; ++i) g[i] = static_cast<uint8_t>(in[r * 81 + i] - 1);
    out.insert(g);
  }
  return out;
}

TEST(SudokuCsv, QuestionFieldIsThePuzzleAndTheHeaderIsSkipped) {
  TempDir dir;
  const auto puzzles = generate_sudokus(3, 30, 5, 1);
  testing::write_text(dir / "with_header.csv", csv(puzzles));
  testing::write_text(dir / "no_header.csv", csv(puzzles, ""));
  testing::write_text(dir / "short_header.csv", csv(puzzles, "source,q,a,rating"));
  for (const char* name : {"with_header.csv", "no_header.csv", "short_header.csv"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(read_sudoku_puzzles(dir / name), puzzles);
  }
}

TEST(SudokuCsv, BadRowNamesFileAndLine) {
  TempDir dir;
  const auto puzzles = generate_sudokus(2, 30, 5, 1);
  std::string text = csv(puzzles) + "tdoku_x,123,456,1\n";
  testing::write_text(dir / "bad.csv", text);
  expect_input_error([&] { read_sudoku_puzzles(dir / "bad.csv"); }, {"bad.csv:4", "81 characters"});
  testing::write_text(dir / "late_header.csv", csv(puzzles) + "source,question,answer,rating\n");
  expect_input_error([&] { read_sudoku_puzzles(dir / "late_header.csv"); }, {"late_header.csv:4", "81 characters"});
}

TEST(PuzzleCsv, RowsNeedThreeFields) {
  TempDir dir;
  testing::write_text(dir / "m.csv", "source,q,a,rating\nx,ab,cd,0\ny,ef\n");
  expect_input_error([&] { read_puzzle_csv(dir / "m.csv"); }, {"m.csv:3", "2 comma-separated field(s)"});
  EXPECT_EQ(split_csv_fields("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  expect_input_error([&] { read_puzzle_csv(dir / "missing.csv"); }, {"missing.csv", "cannot open"});
}

TEST(SudokuBuilder, TestPuzzlesFormTheWholeTestSplit) {
  TempDir dir;
  const auto train_pool = generate_sudokus(12, 30, 7, 1);
  const auto test_pool = generate_sudokus(9, 30, 8, 1);
  testing::write_text(dir / "train.csv", csv(train_pool));
  testing::write_text(dir / "test.csv", csv(test_pool));
  SudokuBuildOptions o;
  o.puzzle_files = {dir / "train.csv"};
  o.test_puzzle_files = {dir / "test.csv"};
  o.train_size = 5;
  o.augment = 2;
  o.out = dir / "s.h5";
  const SudokuBuildReport r = build_sudoku_dataset(o);
  EXPECT_EQ(r.read, 21);
  EXPECT_EQ(r.usable, 21);
  EXPECT_EQ(r.train.total_groups, 5);
  EXPECT_EQ(r.train.total_examples, 15);
  EXPECT_EQ(r.test.total_groups, 9);  // all of test.csv, not augmented

  const std::set<SudokuGrid> test = split_puzzles(o.out, Split::kTest);
  EXPECT_EQ(test, std::set<SudokuGrid>(test_pool.begin(), test_pool.end()));
  const std::set<SudokuGrid> train_pool_set(train_pool.begin(), train_pool.end());
  int originals = 0;
  for (const SudokuGrid& g : split_puzzles(o.out, Split::kTrain)) originals += train_pool_set.count(g);
  EXPECT_EQ(originals, 5);  // version 0 of each train group; the others are shuffles

  o.test_size = 4;  // a seeded subset of the test lists
  o.out = dir / "s4.h5";
  EXPECT_EQ(build_sudoku_dataset(o).test.total_groups, 4);
  for (const SudokuGrid& g : split_puzzles(o.out, Split::kTest)) EXPECT_TRUE(test.count(g));
}

TEST(SudokuBuilder, TestPuzzlesSizesAreChecked) {
  TempDir dir;
  testing::write_text(dir / "train.csv", csv(generate_sudokus(3, 30, 7, 1)));
  testing::write_text(dir / "test.csv", csv(generate_sudokus(2, 30, 8, 1)));
  SudokuBuildOptions o;
  o.puzzle_files = {dir / "train.csv"};
  o.test_puzzle_files = {dir / "test.csv"};
  o.out = dir / "s.h5";
  o.train_size = 4;
  expect_input_error([&] { build_sudoku_dataset(o); }, {"--train-size", "only 3 usable"});
  o.train_size = 3;
  o.test_size = 3;
  expect_input_error([&] { build_sudoku_dataset(o); }, {"--test-size", "only 2 usable"});
  EXPECT_FALSE(std::filesystem::exists(o.out));
}

}  // namespace
}  // namespace recur::datasets
