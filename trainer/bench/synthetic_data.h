// Synthetic training data of a recipe's shapes, for `recur bench`.
//
// A bench measures the trainer, not a dataset on disk, so it feeds random batches
// of the right shape through the same path real batches take (datasets::Batch ->
// batch_to_device). The shape (vocab, grid length, number of puzzle identifiers)
// comes, in order of precedence, from
//   1. the --vocab-size / --seq-len / --num-puzzle-identifiers flags,
//   2. the recipe's data file, when it exists (its metadata only is read),
//   3. the defaults of the recipe's task, recognised by its data file's name:
//        "arc"    vocab 12, seq_len 900 (30x30), 1001 puzzle identifiers
//        "sudoku" vocab 11, seq_len 81, 1 identifier
//        "maze"   vocab 6,  seq_len 900, 1 identifier
// Real ARC files have ~1M identifiers (~2 GB of fp32 puzzle table); the default
// keeps the table small, since its size changes memory but not speed (the bench
// doc says so and uses the real file where it has one).
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "datasets/batch.h"
#include "trainer/config/config.h"
#include "trainer/models/recursive_model.h"

namespace recur::trainer {

struct ShapeOverrides {
  int64_t vocab_size = 0;  // 0: not given
  int64_t seq_len = 0;
  int64_t num_puzzle_identifiers = 0;
};

struct BenchShape {
  ModelShape model;
  std::string source;  // where the shape came from, for the report
};

// The data shape for `config` (see the top of this file). InputError when neither
// a file nor a known task name gives it and the flags do not either.
BenchShape resolve_bench_shape(const Config& config, const ShapeOverrides& flags);

// Random batches (token ids in [0, vocab), labels in [1, vocab), puzzle ids in
// [0, num_puzzle_identifiers)) of `rows` rows, drawn like a loader fills its
// buffers so that producing one costs what a loader hand-over costs.
class SyntheticBatches {
 public:
  SyntheticBatches(const ModelShape& shape, int64_t rows, uint64_t seed);
  datasets::Batch next();

 private:
  ModelShape shape_;
  int64_t rows_;
  std::mt19937_64 rng_;
};

}  // namespace recur::trainer
