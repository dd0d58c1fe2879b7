// One training step: one supervision (ACT) step on the whole global batch,
// then one update of every optimizer.
//
//   batch -> carry -> forward -> loss -> backward -> all-reduce
//         -> sign-SGD (puzzle rows) -> AdamATan2 -> EMA -> metrics
//
// With grad_accum_steps > 1 the local batch (and its carry slots) is cut into
// that many micro-batches, each run forward and backward on its own; the loss
// is a sum over samples divided by the global batch size, so the summed
// gradients equal the full batch's and a small machine keeps the reference's
// global batch of 768.
#pragma once

#include "datasets/batch.h"
#include "distributed/communicator.h"
#include "trainer/config/config.h"
#include "trainer/losses/act_loss.h"
#include "trainer/train/metrics.h"
#include "trainer/train/train_state.h"

namespace recur::trainer {

struct StepRates {
  double lr = 0;            // AdamATan2
  double puzzle_emb_lr = 0;  // sign-SGD on the puzzle table
};

// The learning rates of step `step` (1 for the first update) from the warmup
// + cosine schedule (spec trm.md 4.5), for both optimizers.
StepRates rates_at_step(const Config& config, int64_t step, int64_t total_steps);

// The data of one rank as tensors on `device`.
Batch batch_to_device(const datasets::Batch& batch, torch::Device device);

// Runs one step and returns the metrics (summed over ranks, normalised).
// A non-finite loss or gradient throws before any weight changes, so the
// last checkpoint stays the last good state.
Metrics train_step(TrainState& state, const Batch& batch, const Config& config, LossType loss_type,
                   const StepRates& rates, distributed::Communicator& comm);

}  // namespace recur::trainer
