// recur: the one binary. Parses the command line with CLI11 and dispatches
// to the subcommands; turns user input errors into `recur: error: ...` + exit 2.
#include <CLI/CLI.hpp>
#include <iostream>

#include "common/error.h"
#include "trainer/cli/version.h"

int main(int argc, char** argv) {
  CLI::App app{"recur: train tiny recursive reasoning models (TRM, HRM)"};
  app.set_version_flag("--version", recur::trainer::version_string());
  app.require_subcommand(1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const recur::InputError& e) {
    std::cerr << "recur: error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
