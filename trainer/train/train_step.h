// One training step: one supervision (ACT) step on the whole global batch,
// then one update of every optimizer.
//
//   batch -> carry -> forward -> loss -> backward -> all-reduce
//         -> sign-SGD (puzzle rows) -> AdamATan2 or Muon -> EMA -> metrics
//
// With grad_accum_steps > 1 the local batch (and its carry slots) is cut into
// that many micro-batches, each run forward and backward on its own; the loss
// is a sum over samples divided by the global batch size, so the summed
// gradients equal the full batch's and a small machine keeps the reference's
// global batch of 768.
//
// On CUDA the step never waits for the GPU (docs/gpu.md): the forward and backward
// replay a CUDA graph (cuda_graphs, step_graph.h), and with device_metrics the
// metric sums and the non-finite verdict stay on the GPU as StepMetrics until the
// trainer reads them every log_interval steps and before each checkpoint
// (NonFiniteWatch). Otherwise (CPU, or device_metrics off) the verdict is read at
// once and a non-finite step throws before any weight changes.
#pragma once

#include <string>
#include <vector>

#include "datasets/batch.h"
#include "distributed/communicator.h"
#include "trainer/config/config.h"
#include "trainer/losses/act_loss.h"
#include "trainer/train/metrics.h"
#include "trainer/train/train_state.h"

namespace recur::trainer {

struct StepRates {
  double lr = 0;            // AdamATan2 or Muon
  double puzzle_emb_lr = 0;  // sign-SGD on the puzzle table
};

// The learning rates of update `step` (1 for the first) from the warmup + cosine
// schedule (spec trm.md 4.5), for both optimizers, read at step - lr_schedule_lag
// (URM reads its schedule before the step count advances: its first update runs at lr 0).
StepRates rates_at_step(const Config& config, int64_t step, int64_t total_steps);

// The data of one rank as tensors on `device` (from pinned memory on CUDA, so the
// copy does not wait for the GPU).
Batch batch_to_device(const datasets::Batch& batch, torch::Device device);

// What a step leaves on the device: the metric sums of every rank and whether the
// loss or a gradient was not finite. Nothing here has been read back yet.
struct StepMetrics {
  std::vector<std::string> keys;  // sorted, as MetricSums
  torch::Tensor totals;           // float64 [keys]: the sums over ranks
  torch::Tensor verdict;          // int64 0-dim: 0 finite, 1 non-finite loss, 2 non-finite gradient
};

// Whether the step leaves its checks on the device for the trainer to read later.
bool defers_checks(const Config& config, torch::Device device);

// Runs one step. Unless defers_checks(), a non-finite loss or gradient throws here,
// before any weight changes, so the last checkpoint stays the last good state.
StepMetrics train_step(TrainState& state, const Batch& batch, const Config& config, LossType loss_type,
                       const StepRates& rates, distributed::Communicator& comm);

// The step's metrics on the host (waits for the GPU), normalised (metrics.h).
Metrics read_step_metrics(const StepMetrics& metrics, int64_t global_batch_size);

// "step 12: non-finite loss; stopping (the last checkpoint is the last good state)"
std::string non_finite_message(int64_t step, int64_t verdict);

// The first step whose verdict was not 0, kept on the device across steps.
// check() reads it and throws std::runtime_error naming that step; the trainer calls
// it with every metrics read and before every checkpoint, so no checkpoint holds
// weights that a non-finite step updated.
class NonFiniteWatch {
 public:
  void record(const StepMetrics& metrics, int64_t step);
  void check() const;

 private:
  torch::Tensor first_;  // int64 [2]: step, verdict; zeros while every step was finite
};

}  // namespace recur::trainer
