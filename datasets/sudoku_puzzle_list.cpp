// Sudoku puzzle list parsing (see sudoku_puzzle_list.h).
#include "datasets/sudoku_puzzle_list.h"

#include <fstream>

#include "common/error.h"
#include "datasets/puzzle_csv.h"

namespace recur::datasets {

SudokuGrid parse_sudoku_line(const std::string& line, const std::string& where) {
  if (line.size() != 81) {
    throw InputError(
        where, "a puzzle line must have 81 characters (1-9, '.' or '0'), this one has " + std::to_string(line.size()));
  }
  SudokuGrid grid{};
  for (size_t i = 0; i < 81; ++i) {
    const char c = line[i];
    if (c == '.' || c == '0') continue;
    if (c < '1' || c > '9') {
      throw InputError(where, std::string("character ") + std::to_string(i + 1) + " is '" + c +
                                  "'; a puzzle line holds only 1-9, '.' or '0'");
    }
    grid[i] = static_cast<uint8_t>(c - '0');
  }
  return grid;
}

std::vector<SudokuGrid> read_sudoku_puzzles(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open puzzle file");
  std::vector<SudokuGrid> puzzles;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(number);
    if (line.find(',') == std::string::npos) {
      puzzles.push_back(parse_sudoku_line(line, where));
      continue;
    }
    const std::vector<std::string> fields = split_csv_fields(line);
    if (number == 1 && is_puzzle_csv_header(fields)) continue;
    puzzles.push_back(parse_sudoku_line(fields[1], where));
  }
  if (in.bad()) throw InputError(path, "read error");
  return puzzles;
}

}  // namespace recur::datasets
