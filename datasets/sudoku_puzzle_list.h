// Reading Sudoku puzzle lists: one puzzle per line, 81 characters in
// row-major order, digits 1-9 for givens and '.' or '0' for blanks (the
// format of the tdoku/magictour collections in shared/data/sudoku). Lines
// starting with '#' and empty lines are skipped, '\r' line endings are
// stripped. A line with commas is a row of the reference's CSV
// (`source,question,answer,rating`, Hugging Face sapientinc/sudoku-extreme):
// its second field is the puzzle, and a header on line 1 is skipped
// (puzzle_csv.h), so the downloaded train.csv/test.csv are read as they are.
// Anything else is an InputError naming file:line.
#pragma once

#include <string>
#include <vector>

#include "datasets/sudoku_solver.h"

namespace recur::datasets {

// Parses one line; `where` (file:line) names it in errors.
SudokuGrid parse_sudoku_line(const std::string& line, const std::string& where);
std::vector<SudokuGrid> read_sudoku_puzzles(const std::string& path);

}  // namespace recur::datasets
