// `recur inspect FILE [--json]`: what a dataset or checkpoint file holds.
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

// Adds the `inspect` subcommand (see main.cpp for the command conventions).
void add_inspect_command(CLI::App& app);

}  // namespace recur::trainer
