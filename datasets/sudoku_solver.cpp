// Bitmask MRV backtracking (see sudoku_solver.h). Digit d is bit d of a
// 10-bit mask; a row, column and box mask each hold the digits used there.
#include "datasets/sudoku_solver.h"


#include "datasets/rng.h"

namespace recur::datasets {
namespace {

constexpr uint16_t kAllDigits = 0x3FE;  // bits 1..9

int box_of(int cell) { return (cell / 27) * 3 + (cell % 9) / 3; }

class Search {
 public:
  Search(int max_solutions, Rng* rng) : max_(max_solutions), rng_(rng) {}

  // Loads the givens; false when two givens already clash.
  bool load(const SudokuGrid& givens) {
    cells_ = givens;
    for (int i = 0; i < 81; ++i) {
      if (cells_[i] == 0) {
        empty_[num_empty_++] = i;
      } else if (!place(i, cells_[i])) {
        return false;
      }
    }
    return true;
  }

  // Depth-first search; true once max_ solutions are found.
  bool run() {
    if (num_empty_ == 0) {
      if (result.solutions++ == 0) result.solution = cells_;
      return result.solutions >= max_;
    }
    int best = 0, best_count = 10;
    uint16_t best_mask = 0;
    for (int k = 0; k < num_empty_ && best_count > 1; ++k) {
      const uint16_t mask = candidates(empty_[k]);
      const int count = __builtin_popcount(mask);
      if (count < best_count) best = k, best_count = count, best_mask = mask;
    }
    if (best_count == 0) return false;
    const int cell = empty_[best];
    std::swap(empty_[best], empty_[--num_empty_]);
    int digits[9], n = 0;
    for (int d = 1; d <= 9; ++d) {
      if (best_mask & (1u << d)) digits[n++] = d;
    }
    if (rng_) {
      for (int i = n; i > 1; --i) std::swap(digits[i - 1], digits[rng_->uniform(i)]);
    }
    for (int i = 0; i < n; ++i) {
      place(cell, digits[i]);
      const bool done = run();
      unplace(cell, digits[i]);
      if (done) return true;
    }
    ++num_empty_;  // the cell is back in the empty list (at the end; order does not matter)
    return false;
  }

  SudokuSolveResult result;

 private:
  uint16_t candidates(int cell) const {
    return kAllDigits & ~(rows_[cell / 9] | cols_[cell % 9] | boxes_[box_of(cell)]);
  }
  bool place(int cell, int d) {
    const uint16_t bit = 1u << d;
    if ((rows_[cell / 9] | cols_[cell % 9] | boxes_[box_of(cell)]) & bit) return false;
    rows_[cell / 9] |= bit;
    cols_[cell % 9] |= bit;
    boxes_[box_of(cell)] |= bit;
    cells_[cell] = static_cast<uint8_t>(d);
    return true;
  }
  void unplace(int cell, int d) {
    const uint16_t bit = ~(1u << d);
    rows_[cell / 9] &= bit;
    cols_[cell % 9] &= bit;
    boxes_[box_of(cell)] &= bit;
    cells_[cell] = 0;
  }

  int max_;
  Rng* rng_;
  SudokuGrid cells_{};
  uint16_t rows_[9] = {}, cols_[9] = {}, boxes_[9] = {};
  int empty_[81] = {};
  int num_empty_ = 0;
};

}  // namespace

SudokuSolveResult solve_sudoku(const SudokuGrid& givens, int max_solutions, Rng* rng) {
  Search search(max_solutions, rng);
  for (uint8_t v : givens) {
    if (v > 9) return {};
  }
  if (search.load(givens)) search.run();
  return search.result;
}

bool is_valid_sudoku_solution(const SudokuGrid& solution, const SudokuGrid& givens) {
  uint16_t rows[9] = {}, cols[9] = {}, boxes[9] = {};
  for (int i = 0; i < 81; ++i) {
    const int d = solution[i];
    if (d < 1 || d > 9 || (givens[i] != 0 && givens[i] != d)) return false;
    rows[i / 9] |= 1u << d;
    cols[i % 9] |= 1u << d;
    boxes[box_of(i)] |= 1u << d;
  }
  for (int k = 0; k < 9; ++k) {
    if (rows[k] != kAllDigits || cols[k] != kAllDigits || boxes[k] != kAllDigits) return false;
  }
  return true;
}

}  // namespace recur::datasets
