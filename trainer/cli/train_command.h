// `recur train RECIPE [key=value ...]`: resolve the config of a run.
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

// Adds the `train` subcommand (see main.cpp for the command conventions).
void add_train_command(CLI::App& app);

}  // namespace recur::trainer
