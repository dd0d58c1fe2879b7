// Deterministic reference train sampling (see train_sampler.h).
#include "datasets/train_sampler.h"

#include <numeric>
#include <stdexcept>

#include "datasets/rng.h"

namespace recur::datasets {
namespace {

enum : uint64_t { kStreamGroupOrder = 31, kStreamPick = 32, kStreamFingerprint = 33 };

}  // namespace

TrainSampler::TrainSampler(SplitIndex index, uint64_t seed, int64_t global_batch_size, int64_t epochs_per_iteration)
    : index_(std::move(index)),
      seed_(seed),
      global_batch_size_(global_batch_size),
      epochs_per_iteration_(epochs_per_iteration) {
  if (global_batch_size < 1 || epochs_per_iteration < 1) {
    throw std::invalid_argument("TrainSampler: batch size and epochs per iteration must be positive");
  }
  Rng f({seed, kStreamFingerprint, uint64_t(global_batch_size), uint64_t(epochs_per_iteration),
         uint64_t(index_.num_groups()), uint64_t(index_.num_puzzles()), uint64_t(index_.num_examples())});
  fingerprint_ = static_cast<int64_t>(f.next_u64() >> 1);
}

int64_t TrainSampler::group_at(int64_t iteration, int64_t position) {
  const int64_t groups = index_.num_groups();
  const int64_t epoch = position / groups;
  if (iteration != cached_iteration_ || epoch != cached_epoch_) {
    Rng rng({seed_, kStreamGroupOrder, uint64_t(iteration), uint64_t(epoch)});
    cached_order_ = rng.permutation(groups);
    cached_iteration_ = iteration;
    cached_epoch_ = epoch;
  }
  return cached_order_[position % groups];
}

std::optional<GlobalBatchPlan> TrainSampler::next(LoaderCursor& cursor) {
  const int64_t order_size = epochs_per_iteration_ * index_.num_groups();
  GlobalBatchPlan plan;
  plan.rows.reserve(global_batch_size_);
  plan.puzzles.reserve(global_batch_size_);
  int64_t position = cursor.position;
  std::vector<int64_t> examples;
  while (static_cast<int64_t>(plan.rows.size()) < global_batch_size_) {
    if (position >= order_size) {  // not enough left for a full batch: the iteration ends
      cursor = {cursor.iteration + 1, 0, 0, cursor.fingerprint};
      return std::nullopt;
    }
    const int64_t group = group_at(cursor.iteration, position);
    Rng rng({seed_, kStreamPick, uint64_t(cursor.iteration), uint64_t(position)});
    ++position;
    const int64_t first_puzzle = index_.group_indices[group];
    const int64_t puzzle = first_puzzle + int64_t(rng.uniform(index_.group_indices[group + 1] - first_puzzle));
    const int64_t start = index_.puzzle_indices[puzzle];
    const int64_t size = index_.puzzle_indices[puzzle + 1] - start;
    const int64_t take = std::min<int64_t>(size, global_batch_size_ - static_cast<int64_t>(plan.rows.size()));
    // The first `take` entries of a partial Fisher-Yates shuffle: a random
    // ordered sample without replacement.
    examples.resize(size);
    std::iota(examples.begin(), examples.end(), start);
    for (int64_t i = 0; i < take; ++i) {
      std::swap(examples[i], examples[i + int64_t(rng.uniform(size - i))]);
      plan.rows.push_back(examples[i]);
      plan.puzzles.push_back(puzzle);
    }
  }
  cursor.position = position;
  ++cursor.batches;
  return plan;
}

}  // namespace recur::datasets
