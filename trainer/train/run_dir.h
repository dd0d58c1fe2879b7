// The run folder: RUN/config.yaml, RUN/metrics.jsonl, RUN/log.txt,
// RUN/checkpoints/, RUN/eval/ (design.md "Run folder").
#pragma once

#include <cstdint>
#include <string>

#include "distributed/communicator.h"

namespace recur::trainer {

// The run folder: `configured` when set, else runs/<recipe name>/<start time>.
// Rank 0 decides (the time differs between ranks) and every rank gets its answer.
std::string resolve_run_dir(const std::string& configured, const std::string& recipe_path,
                            distributed::Communicator& comm);

// Rank 0: creates the folder, writes config.yaml (atomically) and adds
// RUN/log.txt to the log sinks. A folder that cannot be created is an InputError.
void prepare_run_dir(const std::string& run_dir, const std::string& config_yaml);

// RUN/eval/step_N: the evaluators' outputs of the evaluation at `step`.
std::string eval_output_dir(const std::string& run_dir, int64_t step);

}  // namespace recur::trainer
