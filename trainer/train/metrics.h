// Metric sums across ranks, and their normalisation (spec trm.md 4.2).
//
// The loss head returns raw sums over this rank's slots (count, accuracy,
// exact_accuracy, ..., the losses). They are summed over ranks in one
// all-reduce (keys in sorted order, as the reference stacks them), then
//   train: keys ending in "loss" / global_batch_size, the others / max(count, 1);
//   eval:  every key / max(count, 1), except count itself, kept as the number
//          of scored examples.
#pragma once

#include <map>
#include <string>

#include "common/libtorch.h"
#include "distributed/communicator.h"

namespace recur::trainer {

using MetricSums = std::map<std::string, torch::Tensor>;  // 0-dim tensors
using Metrics = std::map<std::string, double>;

// Adds `more` into `sums` key by key (missing keys start at zero).
void accumulate_metrics(MetricSums& sums, const MetricSums& more);

// Sums over ranks (collective "metrics"); every rank gets the totals.
Metrics reduce_metrics(const MetricSums& sums, distributed::Communicator& comm);

Metrics normalize_train_metrics(const Metrics& totals, int64_t global_batch_size);
Metrics normalize_eval_metrics(const Metrics& totals);

}  // namespace recur::trainer
