// `recur eval`: the in-training evaluation, run again on saved checkpoints.
//
// The model is rebuilt from the config stored in the (first) checkpoint, plus
// any overrides, given each checkpoint's weights (the EMA ones by default when
// the run trained with ema: true, as the in-training eval does), and
// evaluated with the same evaluate() and evaluators on the same test split.
// What is scored:
//   RUN_DIR            the run as it scored itself: when an evaluator pools
//                      evaluations (ARC with aggregated_voting), every
//                      evaluation checkpoint in step order with the state
//                      carried from one to the next, so the result equals the
//                      last logged eval row; otherwise the last evaluation
//                      checkpoint. An evaluation whose checkpoint was not
//                      kept makes the pooled number irreproducible: an error.
//   CHECKPOINT         that checkpoint alone (for ARC: the votes of one
//                      checkpoint, the number to compare with the papers).
//   CKPT1 CKPT2 ...    those checkpoints in the given order, pooled.
// The output row's "scope" says which ("run", "checkpoint", "checkpoints").
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace recur::trainer {

struct EvalOptions {
  std::vector<std::string> checkpoints;  // a run folder, one checkpoint, or several (see above)
  std::string data;                      // test data file; default: the run's test data
  std::optional<bool> ema;               // default: the run's `ema` setting
  std::string out_dir;                   // optional: the evaluators' outputs of the last evaluation
  std::vector<std::string> overrides;    // key=value on top of the stored config
};

// Collective under mpirun. Returns the metrics row (rank 0; empty elsewhere):
// "scope", "checkpoints", "checkpoint" and "step" (the last), "weights" and
// "eval/<metric>" keys.
nlohmann::json run_eval(const EvalOptions& options);

}  // namespace recur::trainer
