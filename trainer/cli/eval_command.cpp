// `recur eval`: prints one JSON object of metrics (see trainer/train/eval_run.h).
#include "trainer/cli/eval_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "trainer/train/eval_run.h"

namespace recur::trainer {

void add_eval_command(CLI::App& app) {
  auto opts = std::make_shared<EvalOptions>();
  auto ema = std::make_shared<int>(0);  // CLI11 flag pair: +1 --ema, -1 --no-ema, 0 neither
  CLI::App* cmd = app.add_subcommand(
      "eval", "Evaluate a run or checkpoints on a test split; prints one JSON object (\"scope\" says what was scored)");
  cmd->add_option("checkpoints", opts->checkpoints,
                  "A run folder: re-scored as it scored itself (ARC votes pooled over all its evaluations); "
                  "one checkpoint (RUN/checkpoints/step_N or its model.h5): scored alone; several: pooled in "
                  "order. Then key=value config overrides")
      ->required();
  cmd->add_option("--data", opts->data, "Puzzle file whose test split is evaluated (default: the run's data)");
  cmd->add_flag("--ema,!--no-ema", *ema,
                "Evaluate the EMA weights / the raw weights (default: EMA when the run trained with ema: true)");
  cmd->add_option("--out", opts->out_dir,
                  "Folder for the evaluators' outputs of the last evaluation (ARC: submission.json, arc_predictions.json)");
  cmd->callback([opts, ema] {
    if (*ema != 0) opts->ema = *ema > 0;
    // Positional arguments: paths first, then the key=value overrides.
    std::vector<std::string> paths;
    for (const std::string& arg : opts->checkpoints)
      (arg.find('=') == std::string::npos ? paths : opts->overrides).push_back(arg);
    opts->checkpoints = paths;
    const nlohmann::json row = run_eval(*opts);
    if (!row.is_null()) std::cout << row.dump() << std::endl;
  });
}

}  // namespace recur::trainer
