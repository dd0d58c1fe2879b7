// Test-time adaptation on demonstration pairs (see adaptation.h).
#include "trainer/train/adaptation.h"

#include <chrono>
#include <stdexcept>

#include "common/error.h"
#include "datasets/train_loader.h"
#include "trainer/losses/act_loss.h"
#include "trainer/train/train_step.h"

namespace recur::trainer {

Metrics adapt_to_tasks(TrainState& state, const Config& config, const std::string& data_path, int64_t steps,
                       distributed::Communicator& comm, Progress* progress) {
  Metrics last;
  if (steps <= 0) return last;
  // Epochs follow one another for as long as the steps last: the end of an
  // iteration (nullopt) is skipped.
  datasets::TrainLoader loader(data_path, {static_cast<uint64_t>(config.seed), config.global_batch_size, comm.rank(),
                                           comm.world_size(), /*epochs_per_iteration=*/1});
  const LossType loss_type = parse_loss_type(config.arch.loss.loss_type);
  const torch::Device device = state.model->inner().device();
  state.carry = state.model->initial_carry(loader.local_batch_size());
  for (int64_t step = 1; step <= steps; ++step) {
    const auto start = std::chrono::steady_clock::now();
    std::optional<datasets::Batch> batch = loader.next();
    if (!batch) batch = loader.next();
    if (!batch) throw InputError(data_path, "no complete batch of demonstrations: lower global_batch_size");
    const StepMetrics step_metrics = train_step(state, batch_to_device(*batch, device), config, loss_type,
                                                rates_at_step(config, step, steps), comm);
    // Every adaptation step is read (for its progress line), so a verdict the step
    // left on the device is checked here rather than later.
    if (defers_checks(config, device))
      if (const int64_t verdict = step_metrics.verdict.item<int64_t>(); verdict != 0)
        throw std::runtime_error(non_finite_message(step, verdict));
    last = read_step_metrics(step_metrics, config.global_batch_size);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.train_seconds += seconds;
    if (progress)
      progress->update(step, last.at("loss"), last.count("accuracy") ? last.at("accuracy") : 0.0,
                       config.global_batch_size / std::max(seconds, 1e-9), state.train_seconds);
  }
  return last;
}

}  // namespace recur::trainer
