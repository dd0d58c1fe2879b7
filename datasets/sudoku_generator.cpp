// Generating unique-solution Sudoku puzzles (see sudoku_generator.h).
#include "datasets/sudoku_generator.h"

#include "common/error.h"
#include "datasets/parallel_for.h"
#include "datasets/rng.h"

namespace recur::datasets {
namespace {

constexpr int kMaxRestarts = 200;
constexpr uint64_t kStreamGenerate = 11;

}  // namespace

SudokuGrid generate_sudoku(int givens, uint64_t seed, uint64_t index) {
  if (givens < kMinSudokuGivens || givens > 81) {
    throw InputError("--givens", "must be in 17..81 (no Sudoku with fewer than 17 givens has a unique solution)");
  }
  Rng rng({seed, kStreamGenerate, index});
  for (int restart = 0; restart < kMaxRestarts; ++restart) {
    SudokuGrid puzzle = solve_sudoku(SudokuGrid{}, 1, &rng).solution;
    int remaining = 81;
    for (int cell : rng.permutation(81)) {
      if (remaining == givens) break;
      const uint8_t digit = puzzle[cell];
      puzzle[cell] = 0;
      if (solve_sudoku(puzzle, 2).solutions == 1) {
        --remaining;
      } else {
        puzzle[cell] = digit;
      }
    }
    if (remaining == givens) return puzzle;
  }
  throw InputError("--givens", "could not reach " + std::to_string(givens) + " givens with a unique solution in " +
                                   std::to_string(kMaxRestarts) + " tries; use more givens (e.g. 24 or more)");
}

std::vector<SudokuGrid> generate_sudokus(int64_t count, int givens, uint64_t seed, int threads) {
  std::vector<SudokuGrid> out(static_cast<size_t>(count));
  parallel_for(count, threads, [&](int64_t i) { out[i] = generate_sudoku(givens, seed, static_cast<uint64_t>(i)); });
  return out;
}

}  // namespace recur::datasets
