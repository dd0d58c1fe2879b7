// `recur eval`: prints one JSON object of metrics (see trainer/train/eval_run.h).
#include "trainer/cli/eval_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "trainer/train/eval_run.h"

namespace recur::trainer {

void add_eval_command(CLI::App& app) {
  auto opts = std::make_shared<EvalOptions>();
  auto ema = std::make_shared<int>(0);  // CLI11 flag pair: +1 --ema, -1 --no-ema, 0 neither
  CLI::App* cmd = app.add_subcommand("eval", "Evaluate a checkpoint on a test split; prints one JSON object");
  cmd->add_option("checkpoint", opts->checkpoint,
                  "Checkpoint folder (RUN/checkpoints/step_N), its model.h5, or a run folder (its latest)")
      ->required();
  cmd->add_option("overrides", opts->overrides, "Config overrides key=value on top of the checkpoint's config");
  cmd->add_option("--data", opts->data, "Puzzle file whose test split is evaluated (default: the run's data)");
  cmd->add_flag("--ema,!--no-ema", *ema,
                "Evaluate the EMA weights / the raw weights (default: EMA when the run trained with ema: true)");
  cmd->add_option("--out", opts->out_dir, "Folder for ARC submission.json");
  cmd->callback([opts, ema] {
    if (*ema != 0) opts->ema = *ema > 0;
    const nlohmann::json row = run_eval(*opts);
    if (!row.is_null()) std::cout << row.dump() << std::endl;
  });
}

}  // namespace recur::trainer
