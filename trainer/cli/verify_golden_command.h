// `recur verify-golden FILE.h5...`: check this build against golden parity fixtures.
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

// Adds the `verify-golden` subcommand (see main.cpp for the command conventions).
// Exit status 0 when every check of every file passes, 1 when one fails, 2 when a file
// is not a golden fixture or is malformed.
void add_verify_golden_command(CLI::App& app);

}  // namespace recur::trainer
