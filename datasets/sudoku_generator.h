// Generated Sudoku puzzles with unique solutions: the embedded default data
// for the quick start, so no download is needed.
//
// Method: a random full grid (the solver with a random digit order), then the
// cells are visited in random order and each is blanked if the puzzle stays
// uniquely solvable, until only `givens` remain. A greedy pass rarely gets
// below ~22 givens, so it restarts from a fresh grid when it gets stuck above
// the target (measured: 200 puzzles take 0.03 s at 26 givens, 0.2 s at 23,
// 1.5 s at 22). Puzzle i comes from its own stream (seed, i): generation runs in
// parallel and is reproducible.
#pragma once

#include <cstdint>
#include <vector>

#include "datasets/sudoku_solver.h"

namespace recur::datasets {

inline constexpr int kMinSudokuGivens = 17;  // no proper Sudoku has fewer

// One puzzle with exactly `givens` givens and a unique solution. Throws
// InputError (naming --givens) when the target is not reached in a bounded
// number of restarts.
SudokuGrid generate_sudoku(int givens, uint64_t seed, uint64_t index);

// `count` puzzles, generated on `threads` threads.
std::vector<SudokuGrid> generate_sudokus(int64_t count, int givens, uint64_t seed, int threads);

}  // namespace recur::datasets
