// The reference repos' puzzle CSVs (Hugging Face sapientinc/sudoku-extreme and
// sapientinc/maze-30x30-hard-1k): one puzzle a line, `source,question,answer,rating`,
// under a header line. Both Sudoku lists and maze files are read from them, so the
// rules live here once:
// - fields are separated by commas; there is no quoting (no field of these files
//   holds a comma, a quote or a line break);
// - the header is the first line when its second field is `q` or `question`
//   (the reference skips line 1 unconditionally; recur checks, so a file without a
//   header loses no puzzle);
// - '\r' line endings are stripped; empty lines are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur::datasets {

// Splits one line at every comma.
std::vector<std::string> split_csv_fields(const std::string& line);

// True for the header line of a puzzle CSV (see above).
bool is_puzzle_csv_header(const std::vector<std::string>& fields);

struct PuzzleCsvRow {
  std::string question;
  std::string answer;
  std::string where;  // "file:line", for error messages
};

// Every row of a `source,question,answer,rating` file. A missing file or a line
// with fewer than 3 fields is an InputError naming file:line.
std::vector<PuzzleCsvRow> read_puzzle_csv(const std::string& path);

}  // namespace recur::datasets
