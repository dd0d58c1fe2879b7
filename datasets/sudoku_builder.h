// `recur data sudoku`: puzzle lists (or generated puzzles) -> one puzzle file.
//
// Steps: read or generate the puzzles, drop exact duplicates, solve each
// (skipping puzzles with no or several solutions: they have no well-defined
// target), shuffle the usable ones with --seed and split them into
// --train-size train and --test-size test puzzles (default: all the rest),
// or, with --test-puzzles, draw the train split from --puzzles and the test
// split from the --test-puzzles lists (default: all of them; the reference's
// protocol: 1000 puzzles of train.csv, the whole of test.csv),
// then augment each train puzzle with --augment reference shuffles (its own
// group; every version is a puzzle of one example). The test split is not
// augmented. Tokens are value + 1 (blank 1, digits 2..10), vocab 11,
// seq_len 81; all 81 cells are supervised; all puzzle identifiers are 0.
//
// The reference subsampled without a seed; here --seed fixes everything,
// and each augmented version is keyed by (seed, group, version), so the file
// is byte-identical for any thread count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "datasets/puzzle_file.h"

namespace recur::datasets {

struct SudokuBuildOptions {
  std::vector<std::string> puzzle_files;  // either these ...
  std::vector<std::string> test_puzzle_files;  // (optional: the test split's own lists)
  int64_t generate = 0;                   // ... or this many generated puzzles
  int givens = 0;                         // with this many givens
  std::string out;
  int64_t train_size = 1000;
  std::optional<int64_t> test_size;  // default: every usable puzzle not in train
  int augment = 1000;
  uint64_t seed = 42;
  int threads = 1;
};

struct SudokuBuildReport {
  int64_t read = 0;               // puzzles read or generated
  int64_t duplicates = 0;         // dropped: same givens as an earlier puzzle
  int64_t no_solution = 0;        // dropped
  int64_t several_solutions = 0;  // dropped
  int64_t usable = 0;
  SplitMetadata train;
  SplitMetadata test;
};

SudokuBuildReport build_sudoku_dataset(const SudokuBuildOptions& options);

}  // namespace recur::datasets
