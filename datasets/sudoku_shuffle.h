// The reference Sudoku augmentation (hrm.md 7.4): a random symmetry of the
// puzzle that keeps it a valid Sudoku, applied identically to givens and
// solution: transpose with probability 1/2, permute the 3 bands and the rows
// inside each band, the 3 stacks and the columns inside each stack, and
// relabel digits 1..9 (blank stays blank).
#pragma once

#include <array>

#include "datasets/rng.h"
#include "datasets/sudoku_solver.h"

namespace recur::datasets {

struct SudokuShuffle {
  bool transpose = false;
  std::array<int, 9> row_perm{};     // new row i takes old row row_perm[i]
  std::array<int, 9> col_perm{};     // new column j takes old column col_perm[j]
  std::array<uint8_t, 10> digits{};  // new digit = digits[old], digits[0] = 0
};

SudokuShuffle random_sudoku_shuffle(Rng& rng);
SudokuGrid apply_sudoku_shuffle(const SudokuGrid& grid, const SudokuShuffle& shuffle);

}  // namespace recur::datasets
