// One held-out puzzle drawn as text, for the end of the quick run
// (`recur report RUN --print-sample`).
//
// A Sudoku is drawn as two boards side by side: the puzzle (its givens) and
// the model's answer, with every wrong cell marked. On a terminal colour
// carries the marks (givens bold, the model's digits cyan, wrong cells red);
// without one (a pipe, a log file, NO_COLOR set) a wrong cell is written
// `*d` and nothing depends on colour. A maze is drawn the same way, one
// character per cell.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace recur::trainer {

// `puzzle` is one entry of samples.json's "puzzles" ({"index", "input",
// "truth", "answer"}); `kind` is its "kind" ("sudoku", "maze").
std::string draw_puzzle(const nlohmann::json& puzzle, const std::string& kind, bool colour);

// True when stdout is a terminal that takes colour (and NO_COLOR is unset).
bool stdout_takes_colour();

}  // namespace recur::trainer
