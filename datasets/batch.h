// What the loaders hand the trainer: one rank's slice of a global batch as
// plain int32 vectors (no torch here; the trainer wraps them in tensors).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace recur::datasets {

struct Batch {
  int64_t rows = 0;  // the local batch size: global_batch_size / world_size
  int64_t seq_len = 0;
  std::vector<int32_t> inputs;              // [rows * seq_len] token ids
  std::vector<int32_t> labels;              // [rows * seq_len], ignored positions are -100
  std::vector<int32_t> puzzle_identifiers;  // [rows]
  int64_t real_rows = 0;                    // real examples in this slice; padding rows (test only) come last
  int64_t global_real_rows = 0;             // real examples in the whole global batch (for eval metrics)
};

// Where the train loader stands, as a few integers a checkpoint can store.
// Restoring it gives exactly the batches that would have followed. It does
// not depend on the rank or world size: the global batch plan is the same on
// every rank, so a run may resume on a different number of ranks.
struct LoaderCursor {
  int64_t iteration = 0;    // completed iterations (an iteration = epochs_per_iteration epochs)
  int64_t position = 0;     // next index into this iteration's group order
  int64_t batches = 0;      // batches already yielded in this iteration
  int64_t fingerprint = 0;  // the dataset and sampling settings it belongs to (checked on restore)

  static constexpr int kSize = 4;
  std::array<int64_t, kSize> to_array() const { return {iteration, position, batches, fingerprint}; }
  static LoaderCursor from_array(const std::array<int64_t, kSize>& a) { return {a[0], a[1], a[2], a[3]}; }
  bool operator==(const LoaderCursor& o) const { return to_array() == o.to_array(); }
};

}  // namespace recur::datasets
