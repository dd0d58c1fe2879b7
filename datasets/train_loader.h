// The train loader: one rank's slice of each global batch of the reference
// sampling (train_sampler.h), read from the HDF5 file and prefetched on a
// background thread.
//
// Every rank opens the file read-only, computes the same global batch plan
// and reads only its rows [rank * B, (rank + 1) * B) with B = global batch /
// world size. next() returns nullopt once at the end of each iteration
// (epochs_per_iteration epochs; the trainer evaluates there) and the call
// after it starts the next iteration. cursor() / restore() save and resume
// the position exactly (see LoaderCursor).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "datasets/batch.h"
#include "datasets/puzzle_file.h"

namespace recur::datasets {

struct TrainLoaderOptions {
  uint64_t seed = 0;
  int64_t global_batch_size = 768;
  int rank = 0;
  int world_size = 1;
  int64_t epochs_per_iteration = 1;
  int prefetch_batches = 4;
};

class TrainLoader {
 public:
  // Validates the file and the options (InputError naming the file or option).
  TrainLoader(const std::string& path, const TrainLoaderOptions& options);
  ~TrainLoader();
  TrainLoader(const TrainLoader&) = delete;
  TrainLoader& operator=(const TrainLoader&) = delete;

  std::optional<Batch> next();
  // The position after the last batch (or end of iteration) next() returned.
  LoaderCursor cursor() const;
  // Continues from `cursor`; InputError if it belongs to another dataset or
  // other sampling settings (seed, global batch size, epochs per iteration).
  void restore(const LoaderCursor& cursor);

  const PuzzleMetadata& metadata() const;
  int64_t local_batch_size() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace recur::datasets
