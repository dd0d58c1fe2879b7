// Reading the reference repos' puzzle CSVs (see puzzle_csv.h).
#include "datasets/puzzle_csv.h"

#include <fstream>

#include "common/error.h"

namespace recur::datasets {

std::vector<std::string> split_csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  for (char c : line) {
    if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

bool is_puzzle_csv_header(const std::vector<std::string>& fields) {
  return fields.size() >= 2 && (fields[1] == "q" || fields[1] == "question");
}

std::vector<PuzzleCsvRow> read_puzzle_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open puzzle CSV file");
  std::vector<PuzzleCsvRow> rows;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> fields = split_csv_fields(line);
    if (number == 1 && is_puzzle_csv_header(fields)) continue;
    const std::string where = path + ":" + std::to_string(number);
    if (fields.size() < 3)
      throw InputError(where, "expected `source,question,answer[,rating]`, found " + std::to_string(fields.size()) +
                                  " comma-separated field(s)");
    rows.push_back({fields[1], fields[2], where});
  }
  if (in.bad()) throw InputError(path, "read error");
  return rows;
}

}  // namespace recur::datasets
