// Helpers shared by the datasets tests: a temporary folder per test, small
// files, the shared data folder, and a hand-made puzzle file whose rows
// encode their own index (so a loaded batch tells which rows it holds).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "common/error.h"
#include "datasets/dihedral.h"
#include "datasets/puzzle_file_writer.h"
#include "datasets/sudoku_solver.h"
#include "test_paths.h"

namespace recur::datasets::testing {

namespace fs = std::filesystem;
using recur::testing::missing_shared_data;
using recur::testing::shared_data_dir;

// The classic Sudoku (the one on Wikipedia) and its unique solution.
inline constexpr const char* kClassicSudoku =
    "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79";
inline constexpr const char* kClassicSudokuSolution =
    "534678912672195348198342567859761423426853791713924856961537284287419635345286179";

// A Sudoku grid as an 81-character line, '.' for blanks.
inline std::string sudoku_line(const SudokuGrid& g) {
  std::string s;
  for (uint8_t v : g) s.push_back(v ? char('0' + v) : '.');
  return s;
}

inline Grid make_grid(int rows, int cols, std::vector<uint8_t> cells) { return Grid{rows, cols, std::move(cells)}; }

// A fresh folder under the system temp dir, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "recur-datasets-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every file name in `dir` (to check that nothing partial is left behind).
inline std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Runs `fn`, expecting an InputError whose message contains every fragment.
inline void expect_input_error(const std::function<void()>& fn, const std::vector<std::string>& fragments) {
  try {
    fn();
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    for (const auto& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

// Row r of the hand-made file: inputs {r % 200 + 1, r / 200 + 1, 7, 9},
// labels {0 (ignored), r % 200 + 1, r / 200 + 1, 5}.
constexpr int kRowSeqLen = 4;
inline int64_t row_of_inputs(const int32_t* tokens) { return (tokens[0] - 1) + 200 * (tokens[1] - 1); }

// A puzzle file with the given groups, each a list of puzzle sizes
// (examples per puzzle); train and test share the layout; puzzle p has
// identifier p + 1.
inline void write_row_file(const std::string& path, const std::vector<std::vector<int>>& groups) {
  PuzzleFileContents c;
  SplitIndex index;
  for (const auto& group : groups) {
    for (int size : group) {
      index.puzzle_identifiers.push_back(static_cast<int32_t>(index.num_puzzles() + 1));
      index.puzzle_indices.push_back(index.puzzle_indices.back() + size);
    }
    index.group_indices.push_back(index.num_puzzles());
  }
  c.header = {256, kRowSeqLen, 0, 0, 0, index.num_puzzles() + 1, "{}"};
  c.identifiers.push_back("<blank>");
  for (int64_t p = 0; p < index.num_puzzles(); ++p) c.identifiers.push_back("puzzle" + std::to_string(p));
  RowEncoder encode = [](int64_t begin, int64_t end, uint8_t* in, uint8_t* lab) {
    for (int64_t r = begin; r < end; ++r) {
      uint8_t* i = in + (r - begin) * kRowSeqLen;
      uint8_t* l = lab + (r - begin) * kRowSeqLen;
      const uint8_t lo = uint8_t(r % 200 + 1), hi = uint8_t(r / 200 + 1);
      i[0] = lo, i[1] = hi, i[2] = 7, i[3] = 9;
      l[0] = 0, l[1] = lo, l[2] = hi, l[3] = 5;
    }
  };
  c.train = {index, encode};
  c.test = {index, encode};
  write_puzzle_file(path, c, 2);
}

}  // namespace recur::datasets::testing
