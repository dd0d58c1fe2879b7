// `recur bench`: the trainer's speed on a recipe, as the numbers MFU is made of.
//
// Warm-up steps, then timed training steps on synthetic data of the recipe's shapes
// (synthetic_data.h), through the same code as `recur train`: start_session,
// make_train_state, the rank-0 weight broadcast, attach_optimizers, batch_to_device
// and train_step. One step is one supervision step of the global batch with its
// optimizer updates. Measured per timed step:
//   step time       data + train_step, with the device synchronised at the end;
//   data wait       making the batch and handing it to the device (what a loader's
//                   hand-over costs the trainer; the real loader prefetches on its
//                   own thread, see run_loader_bench);
//   communication   time inside the collectives (TimedCommunicator).
// FLOPs are counted from the architecture (its descriptor, models/architecture.h); the peak is a large matmul
// timed in this process in the forward dtype (peak_flops.h), summed over ranks.
//
// With `eval`, a timed step is the evaluation of one test batch instead: a fresh
// carry, every one of halt_max_steps ACT steps without gradient, on the EMA weights
// when the recipe keeps them (evaluate.h); samples/s are then examples evaluated per
// second. With `profile`, the timed steps run under the step profiler.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "trainer/bench/step_profile.h"
#include "trainer/bench/synthetic_data.h"
#include "trainer/config/config.h"
#include "trainer/train/session.h"

namespace recur::trainer {

struct BenchOptions {
  int64_t warmup_steps = 3;
  int64_t steps = 10;
  ShapeOverrides shape;
  int64_t peak_matrix_size = 2048;  // n of the n x n x n peak matmul
  double peak_seconds = 1.0;        // time spent measuring the peak
  bool eval = false;                // time the evaluation loop instead of training steps
  bool profile = false;             // break the timed steps down (step_profile.h)
};

struct BenchResult {
  // The keys (every value for the whole job, all ranks together).
  double samples_per_s = 0;   // global batch x steps per second
  double ms_per_step = 0;
  double flops_per_step = 0;  // model FLOPs of one training step
  double achieved_flops = 0;  // flops_per_step / seconds per step
  double peak_flops = 0;      // measured matmul peak, summed over ranks
  double mfu = 0;             // achieved_flops / peak_flops
  double peak_mem_mb = 0;     // rank 0's tensor memory peak since the model was built
  double allreduce_share = 0;  // share of step time inside collectives (rank 0)
  double data_wait_share = 0;  // share of step time making and handing over batches (rank 0)
  std::optional<StepProfile> profile;  // with --profile
  // Context for the report.
  double step_mem_mb = 0;  // peak during the timed steps minus what was held before them
  int64_t global_batch_size = 0;
  int64_t steps = 0;
  bool eval = false;
  int world_size = 1;
  int threads = 1;
  std::string device;
  std::string forward_dtype;
  BenchShape shape;
};

// Runs the bench on `session` (its communicator is wrapped in a TimedCommunicator).
// Collective: every rank calls it.
BenchResult run_bench(const Config& config, const BenchOptions& options, Session& session);

nlohmann::json bench_result_json(const BenchResult& result);

}  // namespace recur::trainer
