// Bitmask backtracking with propagation (see sudoku_solver.h). Digit d is
// bit d of a 10-bit mask; each row, column and box keeps the digits used in
// it. At every node the search first fills forced cells (naked singles: one
// candidate left; hidden singles: a digit with one place left in a row,
// column or box), which prunes most of the tree on hard puzzles, then
// branches on the empty cell with the fewest candidates (MRV). Forced and
// guessed placements go on a trail and are undone in reverse order.
#include "datasets/sudoku_solver.h"

#include "datasets/rng.h"

namespace recur::datasets {
namespace {

constexpr uint16_t kAllDigits = 0x3FE;  // bits 1..9

int box_of(int cell) { return (cell / 27) * 3 + (cell % 9) / 3; }

// The 27 units (rows, columns, boxes) as cell lists.
struct Units {
  int cells[27][9];
  Units() {
    for (int k = 0; k < 9; ++k) {
      for (int i = 0; i < 9; ++i) {
        cells[k][i] = k * 9 + i;                                         // row k
        cells[9 + k][i] = i * 9 + k;                                     // column k
        cells[18 + k][i] = (k / 3 * 3 + i / 3) * 9 + k % 3 * 3 + i % 3;  // box k
      }
    }
  }
};
const Units kUnits;

int lowest_digit(uint16_t mask) { return __builtin_ctz(mask); }

class Search {
 public:
  Search(int max_solutions, Rng* rng) : max_(max_solutions), rng_(rng) {}

  // Loads the givens; false when two givens already clash.
  bool load(const SudokuGrid& givens) {
    for (int i = 0; i < 81; ++i) {
      position_[i] = num_empty_;
      empty_[num_empty_++] = i;
    }
    for (int i = 0; i < 81; ++i) {
      if (givens[i] != 0 && !place(i, givens[i])) return false;
    }
    trail_size_ = 0;  // givens are never undone
    return true;
  }

  // Depth-first search; true once max_ solutions are found.
  bool run() {
    const int mark = trail_size_;
    bool done = false;
    if (propagate()) {
      if (num_empty_ == 0) {
        if (result.solutions++ == 0) result.solution = cells_;
        done = result.solutions >= max_;
      } else {
        done = branch();
      }
    }
    undo(mark);
    return done;
  }

  SudokuSolveResult result;

 private:
  uint16_t used(int cell) const { return rows_[cell / 9] | cols_[cell % 9] | boxes_[box_of(cell)]; }
  uint16_t candidates(int cell) const { return kAllDigits & ~used(cell); }

  // Puts digit d in an empty cell; false if d is already used around it.
  bool place(int cell, int d) {
    const uint16_t bit = 1u << d;
    if (used(cell) & bit) return false;
    rows_[cell / 9] |= bit;
    cols_[cell % 9] |= bit;
    boxes_[box_of(cell)] |= bit;
    cells_[cell] = static_cast<uint8_t>(d);
    // Swap-remove from the empty list; undo restores in reverse order.
    const int last = empty_[--num_empty_];
    empty_[position_[cell]] = last;
    position_[last] = position_[cell];
    empty_[num_empty_] = cell;
    position_[cell] = num_empty_;
    trail_[trail_size_++] = cell;
    return true;
  }

  void undo(int mark) {
    while (trail_size_ > mark) {
      const int cell = trail_[--trail_size_];
      const uint16_t keep = ~(1u << cells_[cell]);
      rows_[cell / 9] &= keep;
      cols_[cell % 9] &= keep;
      boxes_[box_of(cell)] &= keep;
      cells_[cell] = 0;
      ++num_empty_;  // the cell sits right after the empty list
    }
  }

  // Fills forced cells until none is left; false on a contradiction.
  bool propagate() {
    for (bool progress = true; progress;) {
      progress = false;
      for (int k = 0; k < num_empty_;) {  // naked singles
        const int cell = empty_[k];
        const uint16_t mask = candidates(cell);
        if (mask == 0) return false;
        if (mask & (mask - 1)) {
          ++k;
        } else {
          place(cell, lowest_digit(mask));  // moves another cell to slot k
          progress = true;
        }
      }
      for (const auto& unit : kUnits.cells) {  // hidden singles
        uint16_t once = 0, twice = 0, placed = 0;
        for (int cell : unit) {
          if (cells_[cell]) {
            placed |= 1u << cells_[cell];
          } else {
            const uint16_t mask = candidates(cell);
            twice |= once & mask;
            once |= mask;
          }
        }
        if ((once | placed) != kAllDigits) return false;  // a digit has nowhere to go
        for (uint16_t single = once & ~twice & ~placed; single; single &= single - 1) {
          const int d = lowest_digit(single);
          int target = -1;
          for (int cell : unit) {
            if (!cells_[cell] && (candidates(cell) & (1u << d))) target = cell;
          }
          if (target < 0 || !place(target, d)) return false;
          progress = true;
        }
      }
    }
    return true;
  }

  // Tries each candidate of the most constrained empty cell.
  bool branch() {
    int cell = empty_[0], best_count = 10;
    for (int k = 0; k < num_empty_ && best_count > 2; ++k) {
      const int count = __builtin_popcount(candidates(empty_[k]));
      if (count < best_count) best_count = count, cell = empty_[k];
    }
    const uint16_t mask = candidates(cell);
    int digits[9], n = 0;
    for (int d = 1; d <= 9; ++d) {
      if (mask & (1u << d)) digits[n++] = d;
    }
    if (rng_) {
      for (int i = n; i > 1; --i) std::swap(digits[i - 1], digits[rng_->uniform(i)]);
    }
    for (int i = 0; i < n; ++i) {
      const int mark = trail_size_;
      place(cell, digits[i]);
      const bool done = run();
      undo(mark);
      if (done) return true;
    }
    return false;
  }

  int max_;
  Rng* rng_;
  SudokuGrid cells_{};
  uint16_t rows_[9] = {}, cols_[9] = {}, boxes_[9] = {};
  int empty_[81] = {}, position_[81] = {};
  int num_empty_ = 0;
  int trail_[81] = {};
  int trail_size_ = 0;
};

}  // namespace

SudokuSolveResult solve_sudoku(const SudokuGrid& givens, int max_solutions, Rng* rng) {
  for (uint8_t v : givens) {
    if (v > 9) return {};
  }
  Search search(max_solutions, rng);
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
