// The Sudoku solver, generator, reference shuffle and puzzle-list parser.
#include <gtest/gtest.h>

#include <set>

#include "datasets/rng.h"
#include "datasets/sudoku_generator.h"
#include "datasets/sudoku_puzzle_list.h"
#include "datasets/sudoku_shuffle.h"
#include "datasets/sudoku_solver.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::expect_input_error;

SudokuGrid grid(const std::string& s) { return parse_sudoku_line(s, "test"); }

int givens(const SudokuGrid& g) {
  int n = 0;
  for (uint8_t v : g) n += v != 0;
  return n;
}

TEST(SudokuSolver, SolvesAKnownPuzzleUniquely) {
  const SudokuSolveResult r = solve_sudoku(grid(testing::kClassicSudoku));
  EXPECT_EQ(r.solutions, 1);
  EXPECT_EQ(r.solution, grid(testing::kClassicSudokuSolution));
  EXPECT_TRUE(is_valid_sudoku_solution(r.solution, grid(testing::kClassicSudoku)));
}

TEST(SudokuSolver, DetectsSeveralAndNoSolutions) {
  EXPECT_EQ(solve_sudoku(SudokuGrid{}).solutions, 2);  // stops counting at 2
  SudokuGrid few = grid(testing::kClassicSudokuSolution);
  for (int i = 9; i < 81; ++i) few[i] = 0;  // only the first row given
  EXPECT_EQ(solve_sudoku(few).solutions, 2);
  // Two clashing givens.
  SudokuGrid clash = grid(testing::kClassicSudoku);
  clash[1] = 5;  // two 5s in row 0
  EXPECT_EQ(solve_sudoku(clash).solutions, 0);
  // No direct clash, but cell (0, 8) can only be 9 and column 8 already has one.
  SudokuGrid stuck{};
  for (int c = 0; c < 8; ++c) stuck[c] = static_cast<uint8_t>(c + 1);
  stuck[4 * 9 + 8] = 9;
  EXPECT_EQ(solve_sudoku(stuck).solutions, 0);
}

TEST(SudokuSolver, ValidityCheckRejectsBadGrids) {
  SudokuGrid s = grid(testing::kClassicSudokuSolution);
  EXPECT_TRUE(is_valid_sudoku_solution(s, SudokuGrid{}));
  std::swap(s[0], s[1]);  // rows still fine, columns broken
  EXPECT_FALSE(is_valid_sudoku_solution(s, SudokuGrid{}));
  EXPECT_FALSE(is_valid_sudoku_solution(grid(testing::kClassicSudokuSolution), grid(std::string(80, '.') + "1")));  // disagrees with a given
}

TEST(SudokuSolver, SolvesTheHardMagictourListUniquely) {
  const std::string file = testing::shared_data_dir() + "/sudoku/magictour_top95.txt";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << testing::missing_shared_data(file);
  const auto puzzles = read_sudoku_puzzles(file);
  ASSERT_EQ(puzzles.size(), 95u);
  for (const auto& p : puzzles) {
    const SudokuSolveResult r = solve_sudoku(p);
    EXPECT_EQ(r.solutions, 1);
    EXPECT_TRUE(is_valid_sudoku_solution(r.solution, p));
  }
}

TEST(SudokuGenerator, GivesUniquePuzzlesWithExactlyGGivens) {
  const auto puzzles = generate_sudokus(12, 28, 7, 2);
  std::set<SudokuGrid> distinct(puzzles.begin(), puzzles.end());
  EXPECT_EQ(distinct.size(), puzzles.size());
  for (const auto& p : puzzles) {
    EXPECT_EQ(givens(p), 28);
    EXPECT_EQ(solve_sudoku(p).solutions, 1);
  }
  EXPECT_EQ(generate_sudokus(12, 28, 7, 1), puzzles);  // reproducible, whatever the threads
  EXPECT_NE(generate_sudoku(28, 8, 0), puzzles[0]);
  expect_input_error([] { generate_sudoku(16, 1, 0); }, {"--givens", "17..81"});
}

TEST(SudokuShuffle, KeepsEveryAugmentedSolutionValid) {
  const SudokuGrid puzzle = grid(testing::kClassicSudoku), solution = grid(testing::kClassicSudokuSolution);
  Rng rng({8});
  int transposed = 0;
  std::set<SudokuGrid> seen;
  for (int i = 0; i < 200; ++i) {
    const SudokuShuffle s = random_sudoku_shuffle(rng);
    transposed += s.transpose;
    const SudokuGrid p = apply_sudoku_shuffle(puzzle, s), q = apply_sudoku_shuffle(solution, s);
    EXPECT_TRUE(is_valid_sudoku_solution(q, p));
    EXPECT_EQ(givens(p), givens(puzzle));
    EXPECT_EQ(solve_sudoku(p).solution, q);  // still a proper puzzle with that solution
    seen.insert(p);
  }
  EXPECT_GT(transposed, 60);
  EXPECT_LT(transposed, 140);
  EXPECT_GT(seen.size(), 195u);
}

TEST(SudokuPuzzleList, SkipsCommentsBlankLinesAndCarriageReturns) {
  testing::TempDir dir;
  const std::string zeros = std::string(testing::kClassicSudoku).replace(2, 1, "0");
  testing::write_text(dir / "p.txt", std::string("# header\r\n\r\n") + testing::kClassicSudoku + "\r\n" + zeros + "\n\n");
  const auto puzzles = read_sudoku_puzzles(dir / "p.txt");
  ASSERT_EQ(puzzles.size(), 2u);
  EXPECT_EQ(puzzles[0], puzzles[1]);  // '0' and '.' are both blanks
}

TEST(SudokuPuzzleList, MalformedLinesNameFileAndLine) {
  testing::TempDir dir;
  testing::write_text(dir / "short.txt", std::string("#\n") + testing::kClassicSudoku + "\n" + std::string(testing::kClassicSudoku).substr(1) + "\n");
  expect_input_error([&] { read_sudoku_puzzles(dir / "short.txt"); }, {"short.txt:3", "81 characters", "has 80"});
  testing::write_text(dir / "char.txt", std::string(testing::kClassicSudoku).replace(10, 1, "x") + "\n");
  expect_input_error([&] { read_sudoku_puzzles(dir / "char.txt"); }, {"char.txt:1", "character 11", "'x'"});
  testing::write_text(dir / "long.txt", std::string(testing::kClassicSudoku) + " 12\n");
  expect_input_error([&] { read_sudoku_puzzles(dir / "long.txt"); }, {"long.txt:1", "has 84"});
  expect_input_error([&] { read_sudoku_puzzles(dir / "missing.txt"); }, {"missing.txt", "cannot open"});
}

}  // namespace
}  // namespace recur::datasets
