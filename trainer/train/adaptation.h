// Adapting a trained model to tasks it has never seen, on their
// demonstration pairs: `recur predict`'s test-time training.
//
// TRM and HRM know a task only through its puzzle-embedding rows, which
// training learns for the tasks it sees (the evaluation tasks included, on
// their demonstrations). A new task's rows start as the reference starts
// them (zeros) and are learnt here the same way: the train split of the new
// tasks' file (their demonstrations, augmented and translated by the same
// builder) is sampled as in training and each step is the trainer's own
// train_step, with the run's optimizers, rates and schedule (warm-up, then
// the cosine over `steps`). With freeze_weights (the default of predict)
// only the puzzle rows learn; otherwise every weight does too.
#pragma once

#include <cstdint>
#include <string>

#include "distributed/communicator.h"
#include "trainer/config/config.h"
#include "trainer/train/metrics.h"
#include "trainer/train/progress.h"
#include "trainer/train/train_state.h"

namespace recur::trainer {

// Runs `steps` training steps on the train split of `data_path` (optimizers
// attached); returns the last step's metrics (empty for 0 steps).
Metrics adapt_to_tasks(TrainState& state, const Config& config, const std::string& data_path, int64_t steps,
                       distributed::Communicator& comm, Progress* progress);

}  // namespace recur::trainer
