// The training-step benchmark (see bench_run.h).
#include "trainer/bench/bench_run.h"

#include <spdlog/spdlog.h>
#include <torch/cuda.h>

#include <chrono>
#include <optional>

#include "common/error.h"
#include "datasets/loader_options.h"
#include "distributed/startup_sync.h"
#include "trainer/bench/peak_flops.h"
#include "trainer/bench/step_profile.h"
#include "trainer/bench/timed_communicator.h"
#include "trainer/losses/act_loss.h"
#include "trainer/memory/memory_meter.h"
#include "trainer/models/architecture.h"
#include "trainer/models/factory.h"
#include "trainer/runtime/profile_scopes.h"
#include "trainer/train/evaluate.h"
#include "trainer/train/train_step.h"

namespace recur::trainer {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double to_mb(int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

// Sum of a value over ranks.
double sum_over_ranks(distributed::Communicator& comm, double value) {
  torch::Tensor t = torch::tensor({value}, torch::kFloat64);
  comm.all_reduce_sum(t, "bench_sum");
  return t.item<double>();
}

struct StepTimes {
  double total = 0;  // seconds of the timed steps
  double data = 0;   // of which making and handing over batches
};

void wait_for_device(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

// Runs `count` training steps (with --eval: test batches through every ACT step,
// on the EMA weights) and times them.
StepTimes run_steps(TrainState& state, SyntheticBatches& batches, const Config& config, LossType loss_type,
                    int64_t count, bool eval, Session& session) {
  StepTimes times;
  std::optional<EmaWeightsScope> ema_weights;
  if (eval) ema_weights.emplace(*state.model, state.ema.get());
  for (int64_t i = 0; i < count; ++i) {
    const auto start = Clock::now();
    Batch batch;
    {
      const ProfileScope profile(profile_scope::kData);
      batch = batch_to_device(batches.next(), session.device);
    }
    times.data += seconds_since(start);
    if (eval) {
      eval_batch_steps(*state.model, batch);
    } else {
      state.step += 1;
      train_step(state, batch, config, loss_type, rates_at_step(config, state.step, state.step), *session.comm);
    }
    wait_for_device(session.device);
    times.total += seconds_since(start);
  }
  return times;
}

}  // namespace

BenchResult run_bench(const Config& config, const BenchOptions& options, Session& session) {
  if (options.steps < 1) throw InputError("--steps", "must be at least 1");
  if (options.warmup_steps < 0) throw InputError("--warmup", "must be >= 0");
  auto timed = std::make_unique<TimedCommunicator>(std::move(session.comm), session.device);
  TimedCommunicator& comm = *timed;
  session.comm = std::move(timed);

  BenchResult r;
  r.shape = resolve_bench_shape(config, options.shape);
  r.global_batch_size = config.global_batch_size;
  r.steps = options.steps;
  r.eval = options.eval;
  r.world_size = session.world_size();
  r.threads = session.threads;
  r.device = session.device.str();
  const torch::ScalarType dtype = resolve_forward_dtype(config.arch.forward_dtype, session.device);
  r.forward_dtype = dtype == torch::kBFloat16 ? "bfloat16" : "float32";
  datasets::check_batch_slicing(config.global_batch_size, session.rank(), session.world_size());
  const int64_t local_batch = config.global_batch_size / session.world_size();
  if (local_batch % config.grad_accum_steps != 0)
    throw InputError("grad_accum_steps", "must divide the local batch size " + std::to_string(local_batch));

  // The peak first, alone on the machine (every rank at once, as in training).
  r.peak_flops = sum_over_ranks(comm, measure_matmul_peak(dtype, session.device, options.peak_matrix_size,
                                                          options.peak_seconds));
  reset_peak_memory(session.device);

  // Start-up as in training: the model, rank 0's weights everywhere, the optimizers.
  TrainState state = make_train_state(config, r.shape.model, session.device, local_batch);
  distributed::broadcast_from_rank0(comm, model_tensors(*state.model));
  attach_optimizers(state, config);
  const LossType loss_type = parse_loss_type(config.arch.loss.loss_type);
  SyntheticBatches batches(r.shape.model, local_batch, static_cast<uint64_t>(config.seed + session.rank()));

  run_steps(state, batches, config, loss_type, options.warmup_steps, options.eval, session);
  const int64_t peak_so_far = memory_stats(session.device).peak_bytes;
  const int64_t held = memory_stats(session.device).current_bytes;
  reset_peak_memory(session.device);
  comm.reset();
  std::optional<StepProfiler> profiler;
  if (options.profile) profiler.emplace(session.device);
  const StepTimes times = run_steps(state, batches, config, loss_type, options.steps, options.eval, session);
  if (profiler) r.profile = profiler->result(times.total);
  profiler.reset();
  const int64_t timed_peak = memory_stats(session.device).peak_bytes;

  const double per_step = times.total / static_cast<double>(options.steps);
  r.ms_per_step = 1000.0 * per_step;
  r.samples_per_s = static_cast<double>(config.global_batch_size) / per_step;
  const StepFlops flops = find_architecture(config.arch.name)
                              .train_step_flops(config.arch, r.shape.model.vocab_size,
                                                state.model->inner().state_length(), config.global_batch_size);
  r.flops_per_step = options.eval ? flops.eval_batch(config.arch.halt_max_steps) : flops.total();
  r.achieved_flops = r.flops_per_step / per_step;
  r.mfu = r.achieved_flops / r.peak_flops;
  r.peak_mem_mb = to_mb(std::max(peak_so_far, timed_peak));
  r.step_mem_mb = to_mb(timed_peak - held);
  r.allreduce_share = comm.seconds() / times.total;
  r.data_wait_share = times.data / times.total;
  return r;
}

nlohmann::json bench_result_json(const BenchResult& r) {
  nlohmann::json j = {{"samples_per_s", r.samples_per_s},
          {"ms_per_step", r.ms_per_step},
          {"flops_per_step", r.flops_per_step},
          {"achieved_flops", r.achieved_flops},
          {"peak_flops", r.peak_flops},
          {"mfu", r.mfu},
          {"peak_mem_mb", r.peak_mem_mb},
          {"allreduce_share", r.allreduce_share},
          {"data_wait_share", r.data_wait_share},
          {"step_mem_mb", r.step_mem_mb},
          {"global_batch_size", r.global_batch_size},
          {"steps", r.steps},
          {"world_size", r.world_size},
          {"threads", r.threads},
          {"device", r.device},
          {"forward_dtype", r.forward_dtype},
          {"vocab_size", r.shape.model.vocab_size},
          {"seq_len", r.shape.model.seq_len},
          {"num_puzzle_identifiers", r.shape.model.num_puzzle_identifiers},
          {"shape_source", r.shape.source}};
  if (r.eval) {
    // A "step" is one test batch through all halt_max_steps ACT steps.
    j["eval_examples_per_s"] = r.samples_per_s;
    j["eval_ms_per_batch"] = r.ms_per_step;
  }
  if (r.profile) {
    j["profile"] = profile_json(*r.profile);
    // The MFU the step would reach if it were only its matmuls and attention.
    const double gemm_seconds = r.profile->seconds[static_cast<size_t>(ProfileLine::kMatmuls)] +
                                r.profile->seconds[static_cast<size_t>(ProfileLine::kAttention)];
    j["profile"]["matmul_attention_mfu"] =
        r.flops_per_step * static_cast<double>(r.steps) / gemm_seconds / r.peak_flops;
  }
  return j;
}

}  // namespace recur::trainer
