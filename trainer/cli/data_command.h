// `recur data arc ...` and `recur data sudoku ...`: build puzzle files.
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

// Adds the `data` subcommand and its `arc` and `sudoku` builders (see main.cpp
// for the command conventions).
void add_data_command(CLI::App& app);

}  // namespace recur::trainer
