// `recur export CHECKPOINT --to model.pt [--ema]`: a checkpoint's weights as
// a state_dict file that the Python reference repos load with torch.load.
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

// Adds the `export` subcommand (see main.cpp for the command conventions).
void add_export_command(CLI::App& app);

}  // namespace recur::trainer
