// `recur predict CHECKPOINT --challenges FILE [--solutions FILE] --out submission.json`:
// solving ARC tasks the model has never seen.
//
//  1. The tasks are built into a temporary puzzle file next to --out by the
//     training builder (datasets/arc_builder.h), with the training data's
//     canvas, augmentation count and the given seed: the same augmented and
//     translated demonstrations, and the test inputs at the top-left.
//  2. The model is the checkpoint's (EMA weights when it has them) with a new
//     puzzle-embedding table holding the new tasks' rows, zeros as the
//     reference initialises a table. The training rows are not needed for
//     other tasks, and not kept (trm-arc1's table alone is 2 GB).
//  3. Adaptation (adaptation.h): --steps steps on the demonstrations, the
//     puzzle rows only (--adapt embeddings) or every weight (--adapt all).
//  4. Inference: every augmented test input runs all halt_max_steps steps,
//     the ARC evaluator votes (the checkpoint's task_rule) and writes
//     submission.json (ARC Prize format) and, next to it,
//     <name>.predictions.json (arc_predictions.json's layout, docs/formats.md).
//  5. With solutions (the --solutions file, else the challenges file's
//     ..._solutions.json sibling where it exists), pass@1 and pass@2 with
//     their Wilson 95% intervals.
// One process (no mpirun); key=value overrides change the config as for
// `recur eval` (global_batch_size, lr, puzzle_emb_lr, lr_warmup_steps, ...).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recur::trainer {

struct PredictOptions {
  std::string checkpoint;       // step folder, model.h5, or a run folder (its latest)
  std::string challenges;       // ARC Prize ..._challenges.json
  std::string solutions;        // "" = the challenges file's sibling, where it exists
  std::string out;              // submission.json
  int64_t steps = 100;          // adaptation steps; 0 = none
  std::string adapt = "embeddings";  // embeddings | all
  std::optional<int> augment;   // default: the training data's
  std::optional<int> canvas;    // default: the training data's
  uint64_t seed = 42;
  std::optional<bool> ema;      // default: EMA weights when the checkpoint has them
  std::vector<std::string> overrides;
};

// Returns the result row printed by the command: what was done, where the
// files are, the scores when solutions are known, and the peak memory.
nlohmann::json run_predict(const PredictOptions& options);

}  // namespace recur::trainer
