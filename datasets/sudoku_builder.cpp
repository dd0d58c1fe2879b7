// The Sudoku dataset builder (see sudoku_builder.h).
#include "datasets/sudoku_builder.h"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "common/error.h"
#include "datasets/parallel_for.h"
#include "datasets/puzzle_file_writer.h"
#include "datasets/rng.h"
#include "datasets/sha256.h"
#include "datasets/sudoku_generator.h"
#include "datasets/sudoku_puzzle_list.h"
#include "datasets/sudoku_shuffle.h"

namespace recur::datasets {
namespace {

enum : uint64_t { kStreamSplit = 21, kStreamShuffle = 22, kStreamTestSplit = 23 };
constexpr int kSudokuSeqLen = 81;
constexpr int kSudokuVocabSize = 11;  // PAD 0 (unused), blank 1, digits 2..10

struct Solved {
  SudokuGrid puzzle;
  SudokuGrid solution;
};

std::vector<SudokuGrid> read_lists(const std::vector<std::string>& files, nlohmann::json* sources) {
  std::vector<SudokuGrid> all;
  for (const std::string& file : files) {
    const std::vector<SudokuGrid> puzzles = read_sudoku_puzzles(file);
    sources->push_back({{"file", file}, {"puzzles", puzzles.size()}, {"sha256", sha256_file(file)}});
    all.insert(all.end(), puzzles.begin(), puzzles.end());
  }
  return all;
}

std::vector<SudokuGrid> read_or_generate(const SudokuBuildOptions& o, nlohmann::json* sources) {
  if (o.puzzle_files.empty() == (o.generate == 0)) {
    throw InputError("--puzzles/--generate", "give either puzzle files (--puzzles) or a count (--generate), not both");
  }
  if (o.generate < 0) throw InputError("--generate", "must be positive");
  if (o.generate > 0) return generate_sudokus(o.generate, o.givens, o.seed, o.threads);
  return read_lists(o.puzzle_files, sources);
}

// Drops repeated puzzles (first one kept), then solves the rest in parallel
// and keeps those with exactly one solution, in input order.
std::vector<Solved> solve_unique(const std::vector<SudokuGrid>& puzzles, int threads, SudokuBuildReport* report) {
  std::vector<SudokuGrid> distinct;
  std::unordered_set<std::string> seen;
  for (const SudokuGrid& p : puzzles) {
    if (seen.insert(std::string(p.begin(), p.end())).second) distinct.push_back(p);
  }
  report->read += static_cast<int64_t>(puzzles.size());
  report->duplicates += static_cast<int64_t>(puzzles.size() - distinct.size());
  std::vector<SudokuSolveResult> results(distinct.size());
  parallel_for(static_cast<int64_t>(distinct.size()), threads,
               [&](int64_t i) { results[i] = solve_sudoku(distinct[i], 2); });
  std::vector<Solved> usable;
  for (size_t i = 0; i < distinct.size(); ++i) {
    if (results[i].solutions == 0) ++report->no_solution;
    if (results[i].solutions > 1) ++report->several_solutions;
    if (results[i].solutions == 1) usable.push_back({distinct[i], results[i].solution});
  }
  report->usable += static_cast<int64_t>(usable.size());
  return usable;
}

void encode_grid(const SudokuGrid& g, uint8_t* tokens) {
  for (int i = 0; i < kSudokuSeqLen; ++i) tokens[i] = static_cast<uint8_t>(g[i] + 1);
}

// Rows of a split with `versions` per puzzle; version 0 is the puzzle itself.
RowEncoder make_encoder(const std::vector<Solved>& split, int64_t versions, uint64_t seed) {
  return [&split, versions, seed](int64_t begin, int64_t end, uint8_t* inputs, uint8_t* labels) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t group = row / versions, version = row % versions;
      SudokuGrid puzzle = split[group].puzzle, solution = split[group].solution;
      if (version > 0) {
        Rng rng({seed, kStreamShuffle, uint64_t(group), uint64_t(version)});
        const SudokuShuffle s = random_sudoku_shuffle(rng);
        puzzle = apply_sudoku_shuffle(puzzle, s);
        solution = apply_sudoku_shuffle(solution, s);
      }
      encode_grid(puzzle, inputs + (row - begin) * kSudokuSeqLen);
      encode_grid(solution, labels + (row - begin) * kSudokuSeqLen);
    }
  };
}

// Takes the first `train_size` puzzles of a seeded permutation for train, the
// next `test_size` for test.
void split_off(const std::vector<Solved>& puzzles, Rng rng, int64_t train_size, int64_t test_size,
               std::vector<Solved>* train, std::vector<Solved>* test) {
  int64_t taken_train = 0, taken_test = 0;
  for (int32_t i : rng.permutation(static_cast<int64_t>(puzzles.size()))) {
    if (taken_train < train_size) {
      train->push_back(puzzles[i]);
      ++taken_train;
    } else if (taken_test < test_size) {
      test->push_back(puzzles[i]);
      ++taken_test;
    }
  }
}

}  // namespace

SudokuBuildReport build_sudoku_dataset(const SudokuBuildOptions& o) {
  if (o.augment < 0) throw InputError("--augment", "must be 0 or more");
  if (o.train_size < 1) throw InputError("--train-size", "must be at least 1");
  if (o.test_size && *o.test_size < 0) throw InputError("--test-size", "must be 0 or more");
  SudokuBuildReport report;
  nlohmann::json sources = nlohmann::json::array();
  std::vector<Solved> usable = solve_unique(read_or_generate(o, &sources), o.threads, &report);
  if (usable.empty()) {
    throw InputError(o.generate ? "--generate" : o.puzzle_files.front(),
                     "no usable puzzle: " + std::to_string(report.read) + " read, " +
                         std::to_string(report.no_solution) + " without a solution, " +
                         std::to_string(report.several_solutions) + " with several");
  }
  std::vector<Solved> train, test;
  int64_t test_size = 0;
  if (o.test_puzzle_files.empty()) {
    test_size = o.test_size.value_or(report.usable - o.train_size);
    if (test_size < 0 || o.train_size + test_size > report.usable || (!o.test_size && test_size == 0)) {
      throw InputError("--train-size",
                       "only " + std::to_string(report.usable) +
                           " usable puzzles; --train-size plus --test-size must leave room for both splits");
    }
    split_off(usable, Rng({o.seed, kStreamSplit}), o.train_size, test_size, &train, &test);
  } else {
    if (o.generate) throw InputError("--test-puzzles", "goes with --puzzles, not --generate");
    const std::vector<Solved> test_usable = solve_unique(read_lists(o.test_puzzle_files, &sources), o.threads, &report);
    test_size = o.test_size.value_or(static_cast<int64_t>(test_usable.size()));
    if (o.train_size > static_cast<int64_t>(usable.size()))
      throw InputError("--train-size", "only " + std::to_string(usable.size()) + " usable puzzles in --puzzles");
    if (test_size < 1 || test_size > static_cast<int64_t>(test_usable.size()))
      throw InputError("--test-size", "only " + std::to_string(test_usable.size()) +
                                          " usable puzzles in --test-puzzles; the test split needs 1 to that many");
    split_off(usable, Rng({o.seed, kStreamSplit}), o.train_size, 0, &train, &test);
    split_off(test_usable, Rng({o.seed, kStreamTestSplit}), 0, test_size, &train, &test);
  }

  PuzzleFileContents c;
  nlohmann::json args = {
      {"puzzles", o.puzzle_files}, {"generate", o.generate}, {"givens", o.givens}, {"train_size", o.train_size},
      {"test_size", test_size},    {"augment", o.augment},   {"seed", o.seed}};
  if (!o.test_puzzle_files.empty()) args["test_puzzles"] = o.test_puzzle_files;
  c.header = {
      kSudokuVocabSize,
      kSudokuSeqLen,
      /*pad_id=*/0,
      /*ignore_label_id=*/0,
      /*blank_identifier_id=*/0,
      /*num_puzzle_identifiers=*/1,
      nlohmann::json{{"command", "recur data sudoku"}, {"arguments", args}, {"seed", o.seed}, {"sources", sources}}
          .dump()};
  c.identifiers = {kBlankIdentifier};
  c.train = {one_example_puzzles(o.train_size, o.augment + 1), make_encoder(train, o.augment + 1, o.seed)};
  c.test = {one_example_puzzles(test_size, 1), make_encoder(test, 1, o.seed)};
  write_puzzle_file(o.out, c, o.threads);
  report.train = c.train.index.metadata();
  report.test = c.test.index.metadata();
  return report;
}

}  // namespace recur::datasets
