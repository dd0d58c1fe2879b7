// `recur inspect FILE [--json]`: a thin dispatcher. Each file kind describes
// itself in its own folder (datasets/puzzle_file_description.h for puzzle
// files) as JSON, which --json prints as is and the default prints as text.
#include "trainer/cli/inspect_command.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "datasets/puzzle_file_description.h"

namespace recur::trainer {
namespace {

struct InspectArgs {
  std::string path;
  bool json = false;
};

void inspect(const InspectArgs& args) {
  // Puzzle files: describe_puzzle_file validates the file and says what is
  // wrong when it is not one.
  const nlohmann::json description = datasets::describe_puzzle_file(args.path);
  std::cout << (args.json ? description.dump(2) + "\n" : datasets::format_puzzle_description(description));
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Summary of a puzzle dataset or checkpoint file");
  cmd->add_option("file", args->path, "The file, e.g. data/arc1-aug-1000.h5")->required();
  cmd->add_flag("--json", args->json, "Machine-readable JSON instead of text");
  cmd->callback([args] { inspect(*args); });
}

}  // namespace recur::trainer
