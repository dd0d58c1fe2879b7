// Puzzles as terminal text (see terminal_puzzle.h).
#include "trainer/report/terminal_puzzle.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace recur::trainer {
namespace {

constexpr const char* kBold = "\033[1m";
constexpr const char* kCyan = "\033[36m";
constexpr const char* kWrong = "\033[1;37;41m";  // bold white on red
constexpr const char* kReset = "\033[0m";

// One Sudoku cell, three columns wide: " 5 " (given or right), "*7 " (wrong).
std::string sudoku_cell(char shown, bool given, bool wrong, bool colour) {
  const std::string digit(1, shown == '.' ? '.' : shown);
  if (!colour) return std::string(wrong ? "*" : " ") + digit + " ";
  if (wrong) return std::string(kWrong) + " " + digit + " " + kReset;
  if (given) return std::string(kBold) + " " + digit + " " + kReset;
  if (shown == '.') return " . ";
  return std::string(kCyan) + " " + digit + " " + kReset;
}

std::string sudoku_row(const std::string& cells, const std::string& givens, const std::string& truth, int r,
                       bool mark, bool colour) {
  std::string line;
  for (int c = 0; c < 9; ++c) {
    if (c % 3 == 0) line += "|";
    const size_t i = static_cast<size_t>(9 * r + c);
    const bool given = givens[i] != '.';
    line += sudoku_cell(cells[i], given, mark && cells[i] != truth[i], colour);
  }
  return line + "|";
}

std::string draw_sudoku(const std::string& input, const std::string& truth, const std::string& answer, bool colour) {
  const std::string rule = "+---------+---------+---------+";
  std::string out = "  puzzle (givens)                   model's answer\n";
  for (int r = 0; r < 9; ++r) {
    if (r % 3 == 0) out += "  " + rule + "    " + rule + "\n";
    out += "  " + sudoku_row(input, input, truth, r, false, colour) + "    " +
           sudoku_row(answer, input, truth, r, true, colour) + "\n";
  }
  out += "  " + rule + "    " + rule + "\n";
  return out;
}

std::string draw_maze(const std::string& truth, const std::string& answer, bool colour) {
  const size_t n = static_cast<size_t>(std::lround(std::sqrt(static_cast<double>(answer.size()))));
  std::string out;
  for (size_t r = 0; r < n; ++r) {
    out += "  ";
    for (size_t c = 0; c < n; ++c) {
      const size_t i = r * n + c;
      const bool wrong = answer[i] != truth[i];
      if (wrong) out += colour ? std::string(kWrong) + answer[i] + kReset : std::string("X");
      else out += answer[i];
    }
    out += "\n";
  }
  return out;
}

}  // namespace

bool stdout_takes_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && !(no_colour && *no_colour) && !(term && std::strcmp(term, "dumb") == 0);
}

std::string draw_puzzle(const nlohmann::json& puzzle, const std::string& kind, bool colour) {
  const std::string input = puzzle.value("input", ""), truth = puzzle.value("truth", ""),
                    answer = puzzle.value("answer", "");
  if (truth.size() != answer.size() || input.size() != answer.size() || answer.empty())
    return "  (this sample has no complete answer to draw)\n";
  // Every cell counts, givens too: the evaluation's exact accuracy wants the whole grid.
  size_t wrong = 0;
  for (size_t i = 0; i < answer.size(); ++i) wrong += answer[i] != truth[i];
  std::string out = kind == "sudoku" && answer.size() == 81 ? draw_sudoku(input, truth, answer, colour)
                                                            : draw_maze(truth, answer, colour);
  const std::string mark = colour ? "red" : (kind == "sudoku" ? "*" : "X");
  out += "  held-out puzzle " + std::to_string(puzzle.value("index", 0)) + ": " +
         (wrong == 0 ? std::string("solved, every cell right")
                     : std::to_string(wrong) + " of " + std::to_string(answer.size()) + " cells wrong (" + mark + ")") +
         "\n";
  return out;
}

}  // namespace recur::trainer
