// The maze dataset builder (see maze_builder.h).
#include "datasets/maze_builder.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "datasets/dihedral.h"
#include "datasets/puzzle_csv.h"
#include "datasets/puzzle_file_writer.h"
#include "datasets/sha256.h"

namespace recur::datasets {
namespace {

constexpr const char* kMazeCharset = "# SGo";  // token = position + 1
constexpr int kMazeVocabSize = 6;

struct Maze {
  Grid question;
  Grid answer;
};

Grid parse_grid(const std::string& text, int side, const std::string& where, const char* field) {
  if (text.size() != static_cast<size_t>(side) * side)
    throw InputError(where, std::string("the ") + field + " has " + std::to_string(text.size()) +
                                " characters; every maze must be " + std::to_string(side) + "x" + std::to_string(side) +
                                " = " + std::to_string(side * side));
  Grid g{side, side, std::vector<uint8_t>(text.size())};
  const std::string charset = kMazeCharset;
  for (size_t i = 0; i < text.size(); ++i) {
    const size_t token = charset.find(text[i]);
    if (token == std::string::npos)
      throw InputError(where, std::string("the ") + field + " holds '" + text[i] + "' at character " +
                                  std::to_string(i + 1) + "; mazes use only \"# SGo\"");
    g.cells[i] = static_cast<uint8_t>(token + 1);
  }
  return g;
}

// The side n of an n x n maze of `length` characters, or 0 if not square.
int square_side(size_t length) {
  int n = 1;
  while (static_cast<size_t>(n) * n < length) ++n;
  return static_cast<size_t>(n) * n == length ? n : 0;
}

// All mazes of one file; `side` is fixed by the first maze read (0 = not yet).
std::vector<Maze> read_mazes(const std::string& path, int* side) {
  std::vector<Maze> mazes;
  for (const PuzzleCsvRow& row : read_puzzle_csv(path)) {
    if (*side == 0) {
      *side = square_side(row.question.size());
      if (*side < 2)
        throw InputError(row.where,
                         "a maze is n x n characters; " + std::to_string(row.question.size()) + " is not a square");
    }
    mazes.push_back(
        {parse_grid(row.question, *side, row.where, "question"), parse_grid(row.answer, *side, row.where, "answer")});
  }
  if (mazes.empty()) throw InputError(path, "no maze in the file");
  return mazes;
}

// Row r is version r % versions (dihedral id) of maze r / versions.
RowEncoder make_encoder(const std::vector<Maze>& mazes, int64_t versions) {
  return [&mazes, versions](int64_t begin, int64_t end, uint8_t* inputs, uint8_t* labels) {
    for (int64_t row = begin; row < end; ++row) {
      const Maze& m = mazes[row / versions];
      const int id = static_cast<int>(row % versions);
      const Grid q = dihedral_transform(m.question, id), a = dihedral_transform(m.answer, id);
      std::copy(q.cells.begin(), q.cells.end(), inputs + (row - begin) * q.cells.size());
      std::copy(a.cells.begin(), a.cells.end(), labels + (row - begin) * a.cells.size());
    }
  };
}


}  // namespace

MazeBuildReport build_maze_dataset(const MazeBuildOptions& o) {
  int side = 0;
  const std::vector<Maze> train = read_mazes(o.train_csv, &side);
  const std::vector<Maze> test = read_mazes(o.test_csv, &side);
  const int64_t versions = o.dihedral ? kNumDihedral : 1;

  const nlohmann::json args = {{"train_csv", o.train_csv}, {"test_csv", o.test_csv}, {"dihedral", o.dihedral}};
  const nlohmann::json sources =
      nlohmann::json::array({{{"file", o.train_csv}, {"mazes", train.size()}, {"sha256", sha256_file(o.train_csv)}},
                             {{"file", o.test_csv}, {"mazes", test.size()}, {"sha256", sha256_file(o.test_csv)}}});
  PuzzleFileContents c;
  c.header = {kMazeVocabSize,
              static_cast<int64_t>(side) * side,
              /*pad_id=*/0,
              /*ignore_label_id=*/0,
              /*blank_identifier_id=*/0,
              /*num_puzzle_identifiers=*/1,
              nlohmann::json{{"command", "recur data maze"}, {"arguments", args}, {"sources", sources}}.dump()};
  c.identifiers = {kBlankIdentifier};
  c.train = {one_example_puzzles(static_cast<int64_t>(train.size()), versions), make_encoder(train, versions)};
  c.test = {one_example_puzzles(static_cast<int64_t>(test.size()), 1), make_encoder(test, 1)};
  write_puzzle_file(o.out, c, o.threads);
  return {side, c.train.index.metadata(), c.test.index.metadata()};
}

}  // namespace recur::datasets
