// An exact Sudoku solver: bitmask backtracking, always branching on the empty
// cell with the fewest candidates (MRV).
//
// The builders use it to compute targets (the puzzle lists hold no
// solutions) and to reject puzzles that are not proper Sudoku: the search
// stops at the second solution, so "unique" is exact and cheap. The generator
// reuses it with a random digit order to draw random full grids.
#pragma once

#include <array>
#include <cstdint>

namespace recur::datasets {

using SudokuGrid = std::array<uint8_t, 81>;  // row-major, 0 blank, 1..9 digits

struct SudokuSolveResult {
  int solutions = 0;      // 0, 1, or max_solutions when at least that many exist
  SudokuGrid solution{};  // the first solution found (when solutions > 0)
};

class Rng;
// Counts solutions up to `max_solutions`. With `rng`, candidates are tried in
// random order, so the first solution of an empty grid is a random full grid.
SudokuSolveResult solve_sudoku(const SudokuGrid& givens, int max_solutions = 2, Rng* rng = nullptr);

// True when `solution` is a complete valid grid that keeps every given.
bool is_valid_sudoku_solution(const SudokuGrid& solution, const SudokuGrid& givens);

}  // namespace recur::datasets
