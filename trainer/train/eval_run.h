// `recur eval CHECKPOINT`: the in-training evaluation, run on a saved checkpoint.
//
// The model is rebuilt from the config stored in the checkpoint (plus any
// overrides), given the checkpoint's weights (EMA ones by default when the
// run trained with ema: true, as the in-training eval does), and evaluated
// with the same evaluate() on the same test split, so the numbers equal the
// eval row of that step in metrics.jsonl. One difference by design: with
// aggregated ARC voting, the in-training eval pools the votes of every
// earlier evaluation of the run; this command scores the checkpoint alone
// (equal to the in-training number with aggregated_voting: false).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace recur::trainer {

struct EvalOptions {
  std::string checkpoint;            // step folder, its model.h5, or a run folder (latest)
  std::string data;                  // test data file; default: the run's test data
  std::optional<bool> ema;           // default: the run's `ema` setting
  std::string out_dir;               // optional: ARC submission.json goes here
  std::vector<std::string> overrides;  // key=value on top of the stored config
};

// Collective under mpirun. Returns the metrics row (rank 0; empty elsewhere):
// "checkpoint", "step", "weights" and "eval/<metric>" keys.
nlohmann::json run_eval(const EvalOptions& options);

}  // namespace recur::trainer
