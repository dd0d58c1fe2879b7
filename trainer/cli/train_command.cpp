// `recur train RECIPE [key=value ...] [--print-config]`.
//
// The recipe and overrides resolve to one Config (config_loader.h): the same
// fully resolved config that a run saves, printed by --print-config.
//
// Training itself (run_training in trainer/train/train_loop.h) is wired in
// with the train loop; until then --print-config is the only mode, so it is
// required rather than silently doing nothing.
#include "trainer/cli/train_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "trainer/config/config_loader.h"

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
                  "Print the fully resolved config (every key, with its doc) as YAML and exit")
      ->required();
  train->footer("The config keys and their meaning: recur train RECIPE --print-config");
  train->callback([args] {
    const Config config = load_config(args->recipe, args->overrides);
    std::cout << config_to_yaml(config);
  });
}

}  // namespace recur::trainer
