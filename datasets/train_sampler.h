// The reference train sampling (trm.md 6.2, hrm.md 7.2), made deterministic.
//
// An iteration covers epochs_per_iteration epochs: the concatenation of that
// many random permutations of the groups. Walking it, each group contributes
// one random puzzle (augmented version), whose examples are appended in random
// order, truncated to what is left of the global batch; the next batch starts
// with the next group. The incomplete batch at the end of an iteration is
// dropped.
//
// Unlike the reference (whose example order used an unseeded per-rank numpy
// RNG), every draw comes from a stream keyed by (seed, iteration, epoch) for
// the group order and (seed, iteration, position) for the puzzle and its
// example order. So every rank computes the same global batch, and a cursor
// of three integers is enough to resume.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "datasets/batch.h"
#include "datasets/puzzle_file.h"

namespace recur::datasets {

struct GlobalBatchPlan {
  std::vector<int64_t> rows;     // example row of each batch slot
  std::vector<int64_t> puzzles;  // puzzle index of each batch slot
};

class TrainSampler {
 public:
  TrainSampler(SplitIndex index, uint64_t seed, int64_t global_batch_size, int64_t epochs_per_iteration);

  // The global batch at `cursor`, advancing it; nullopt when this iteration
  // has no complete batch left (the cursor then moves to the next iteration).
  std::optional<GlobalBatchPlan> next(LoaderCursor& cursor);

  // Identifies the dataset and settings a cursor belongs to.
  int64_t fingerprint() const { return fingerprint_; }
  const SplitIndex& index() const { return index_; }

 private:
  int64_t group_at(int64_t iteration, int64_t position);

  SplitIndex index_;
  uint64_t seed_;
  int64_t global_batch_size_;
  int64_t epochs_per_iteration_;
  int64_t fingerprint_;
  // The permutation of the epoch last asked for (iteration, epoch).
  int64_t cached_iteration_ = -1, cached_epoch_ = -1;
  std::vector<int32_t> cached_order_;
};

}  // namespace recur::datasets
