// Sudoku symmetry augmentation (see sudoku_shuffle.h); same draw order as
// the reference: digits, transpose, bands and rows, stacks and columns.
#include "datasets/sudoku_shuffle.h"

namespace recur::datasets {
namespace {

// A band (or stack) order, then the rows (columns) inside each.
std::array<int, 9> line_permutation(Rng& rng) {
  std::array<int, 9> perm{};
  const std::vector<int32_t> bands = rng.permutation(3);
  for (int b = 0; b < 3; ++b) {
    const std::vector<int32_t> inner = rng.permutation(3);
    for (int k = 0; k < 3; ++k) perm[b * 3 + k] = bands[b] * 3 + inner[k];
  }
  return perm;
}

}  // namespace

SudokuShuffle random_sudoku_shuffle(Rng& rng) {
  SudokuShuffle s;
  const std::vector<int32_t> digits = rng.permutation(9);
  for (int d = 1; d <= 9; ++d) s.digits[d] = static_cast<uint8_t>(digits[d - 1] + 1);
  s.transpose = rng.uniform_double() < 0.5;
  s.row_perm = line_permutation(rng);
  s.col_perm = line_permutation(rng);
  return s;
}

SudokuGrid apply_sudoku_shuffle(const SudokuGrid& grid, const SudokuShuffle& s) {
  SudokuGrid out{};
  for (int i = 0; i < 9; ++i) {
    for (int j = 0; j < 9; ++j) {
      const int r = s.row_perm[i], c = s.col_perm[j];
      out[i * 9 + j] = s.digits[s.transpose ? grid[c * 9 + r] : grid[r * 9 + c]];
    }
  }
  return out;
}

}  // namespace recur::datasets
