// `recur predict`: prints one JSON object (see trainer/train/predict_run.h).
#include "trainer/cli/predict_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "trainer/train/predict_run.h"

namespace recur::trainer {

void add_predict_command(CLI::App& app) {
  auto o = std::make_shared<PredictOptions>();
  auto ema = std::make_shared<int>(0);  // +1 --ema, -1 --no-ema, 0 neither
  auto augment = std::make_shared<int>(-1);
  auto canvas = std::make_shared<int>(0);
  CLI::App* cmd = app.add_subcommand(
      "predict",
      "Adapt a checkpoint to unseen ARC tasks on their demonstrations and write an ARC Prize submission.json; "
      "prints one JSON object (pass@1/pass@2 with 95% intervals when solutions are known).\n"
      "Memory: at most the checkpoint's model.h5 (read whole, then released) + what training this model takes at "
      "the same global_batch_size (`recur bench RECIPE` reports it as peak_mem_mb) + 4 x puzzle_emb_ndim bytes per "
      "augmented task (the new embedding rows) + about 2 KB per augmented test input (the votes). Lower it with "
      "global_batch_size=N; the augmented tasks go to a temporary file next to --out, never all in memory.");
  cmd->add_option("checkpoint", o->checkpoint, "Checkpoint folder (RUN/checkpoints/step_N), its model.h5, or a run folder")
      ->required();
  cmd->add_option("overrides", o->overrides,
                  "Config overrides key=value (global_batch_size, lr, puzzle_emb_lr, lr_warmup_steps, ...)");
  cmd->add_option("--challenges", o->challenges, "ARC Prize ..._challenges.json of the tasks to solve")->required();
  cmd->add_option("--solutions", o->solutions,
                  "Their solutions, for pass@1/pass@2 (default: the sibling ..._solutions.json where it exists)");
  cmd->add_option("--out", o->out,
                  "submission.json to write (NAME.predictions.json next to it: the votes, as arc_predictions.json)")
      ->required();
  cmd->add_option("--steps", o->steps, "Adaptation steps on the demonstrations (0: none)")->capture_default_str();
  cmd->add_option("--adapt", o->adapt, "What adapts: embeddings (the new tasks' puzzle embeddings) or all (every weight too)")
      ->capture_default_str();
  cmd->add_option("--augment", *augment, "Augmented versions per task (default: the training data's)");
  cmd->add_option("--canvas", *canvas, "Canvas side (default: the training data's)");
  cmd->add_option("--seed", o->seed, "Seed of the augmentation and the demonstration sampling")->capture_default_str();
  cmd->add_flag("--ema,!--no-ema", *ema, "Start from the EMA / the raw weights (default: EMA when the run kept one)");
  cmd->callback([o, ema, augment, canvas] {
    if (*ema != 0) o->ema = *ema > 0;
    if (*augment >= 0) o->augment = *augment;
    if (*canvas > 0) o->canvas = *canvas;
    std::cout << run_predict(*o).dump() << std::endl;
  });
}

}  // namespace recur::trainer
