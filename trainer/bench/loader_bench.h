// `recur bench RECIPE --loader`: how fast the train loader delivers batches.
//
// Data must never hold the trainer up: the loader (datasets/train_loader.h) reads
// and assembles batches on a background thread while the step runs, so it only has
// to keep ahead of the step rate. This bench opens the recipe's real data file with
// the training options (seed, global batch, this rank's slice) and takes batches as
// fast as it can, after the first one (whose wait includes opening the file and
// filling the prefetch queue); the script compares the rate with the samples/s of
// `recur bench` on the same recipe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "trainer/config/config.h"
#include "trainer/train/session.h"

namespace recur::trainer {

struct LoaderBenchResult {
  std::string path;
  int64_t global_batch_size = 0;
  int64_t batches = 0;          // timed batches (after the first)
  double first_batch_ms = 0;    // open + first batch
  double batches_per_s = 0;     // this rank's batches
  double samples_per_s = 0;     // global samples per second (all ranks read in parallel)
};

// Collective-free: every rank times its own loader.
LoaderBenchResult run_loader_bench(const Config& config, int64_t batches, const Session& session);

nlohmann::json loader_result_json(const LoaderBenchResult& result);

}  // namespace recur::trainer
