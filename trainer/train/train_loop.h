// `recur train`: the whole run, from start-up to the last evaluation.
//
//   start-up   ranks, device, run folder, data, model; resume from the latest
//              complete checkpoint (resume=auto) or load init_from weights;
//              broadcast from rank 0 and check every rank holds the same state
//   iterations each covers eval_interval epochs of the reference sampling:
//              train steps (train_step.h), metrics rows, periodic checkpoints,
//              then an evaluation (evaluate.h) and an eval checkpoint
//   stops      SIGUSR1/SIGTERM: every rank agrees at a step boundary, saves
//              a checkpoint and the run returns 75 (requeue); the wall-clock
//              budget max_train_minutes ends training early, then evaluates;
//              stop_after_steps saves a checkpoint after that many steps of
//              this process and returns 0 (resume=auto continues the run)
#pragma once

#include <string>

#include "trainer/config/config.h"

namespace recur::trainer {

inline constexpr int kExitRequeue = 75;  // EX_TEMPFAIL: stopped cleanly, resume later

struct TrainOptions {
  std::string recipe_path;  // names the default run folder
};

// Returns the process exit status: 0 when the run finished or stopped after
// stop_after_steps, kExitRequeue after a clean stop on a signal with a
// checkpoint written.
int run_training(const Config& config, const TrainOptions& options);

}  // namespace recur::trainer
