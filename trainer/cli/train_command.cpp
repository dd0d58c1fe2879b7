// `recur train RECIPE [key=value ...] [--print-config]`.
//
// The recipe and overrides resolve to one Config (config_loader.h): the same
// fully resolved config that a run saves, printed by --print-config.
//
// Training itself is run_training (trainer/train/train_loop.h); a clean stop
// on SIGUSR1/SIGTERM ends with status 75 so a Slurm script requeues.
#include "trainer/cli/train_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "trainer/config/config_loader.h"
#include "trainer/train/train_loop.h"

namespace recur::trainer {
namespace {

struct TrainArgs {
  std::string recipe;
  std::vector<std::string> overrides;
  bool print_config = false;
};

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* train = app.add_subcommand("train", "Train a model from a YAML recipe");
  train->add_option("recipe", args->recipe, "Recipe file, e.g. recipes/trm-sudoku-mlp.yaml")
      ->required();
  train->add_option("overrides", args->overrides,
                    "Config overrides key=value with dotted keys, e.g. arch.L_cycles=4 lr=1e-4");
  train->add_flag("--print-config", args->print_config,
                  "Print the fully resolved config (every key, with its doc) as YAML and exit");
  train->footer("The config keys and their meaning: recur train RECIPE --print-config");
  train->callback([args] {
    const Config config = load_config(args->recipe, args->overrides);
    if (args->print_config) {
      std::cout << config_to_yaml(config);
      return;
    }
    const int status = run_training(config, TrainOptions{args->recipe});
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace recur::trainer
