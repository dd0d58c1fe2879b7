// `recur inspect FILE [--json] [--verify]`: a thin dispatcher. Each file kind
// describes itself in its own folder (datasets/puzzle_file_description.h for
// puzzle files, checkpoints/checkpoint_inspect.h for checkpoints) as JSON,
// which --json prints as is and the default prints as text.
//
// A checkpoint is described even when it is damaged (the description says
// what is wrong, which is why one runs inspect), and the command then ends
// with exit 2 and a line naming the damaged file, so scripts notice too.
// Describing reads metadata only; --verify also reads every file in full and
// checks its checksums, as resume and eval do.
#include "trainer/cli/inspect_command.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_inspect.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_loader.h"
#include "common/error.h"
#include "datasets/puzzle_file_description.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;

struct InspectArgs {
  std::string path;
  bool json = false;
  bool verify = false;
};

// A file inside a checkpoint folder counts as a checkpoint even when it is
// too damaged to say so itself (is_checkpoint_path reads its root attributes).
bool is_checkpoint(const std::string& path) {
  if (checkpoints::is_checkpoint_path(path)) return true;
  const fs::path folder = fs::path(path).parent_path();
  int64_t step = 0;
  return fs::is_regular_file(path) && !folder.empty() &&
         (fs::exists(folder / checkpoints::kCompleteFileName) ||
          checkpoints::parse_step_folder_name(folder.filename().string(), &step));
}

// The first problem a checkpoint description reports, naming the file; "" if none.
std::string checkpoint_problem(const nlohmann::json& d) {
  if (d.contains("complete") && !d["complete"].get<bool>()) return d["problem"].get<std::string>();
  if (d.contains("model") && d["model"].contains("error")) return d["model"]["error"].get<std::string>();
  if (d.contains("ranks"))
    for (const auto& rank : d["ranks"])
      if (rank.contains("error")) return rank["error"].get<std::string>();
  if (d.contains("verify_error")) return d["verify_error"].get<std::string>();
  return "";
}

void inspect_checkpoint(const InspectArgs& args) {
  nlohmann::json d = checkpoints::describe_checkpoint(args.path);
  if (args.verify && checkpoint_problem(d).empty()) {
    try {
      if (d.contains("checkpoint")) {
        checkpoints::verify_checkpoint(d["checkpoint"].get<std::string>());
      } else {
        checkpoints::read_bundle(args.path);
      }
      d["verified"] = true;
    } catch (const InputError& e) {
      d["verify_error"] = e.what();
    }
  }
  std::cout << (args.json ? d.dump(2) + "\n" : checkpoints::format_checkpoint_description(d));
  if (d.value("verified", false) && !args.json) std::cout << "verified    every file read in full, checksums match\n";
  std::cout.flush();
  const std::string problem = checkpoint_problem(d);
  if (!problem.empty()) throw InputError("", problem);
}

void inspect(const InspectArgs& args) {
  if (is_checkpoint(args.path)) return inspect_checkpoint(args);
  // Puzzle files: describe_puzzle_file validates the file and says what is
  // wrong when it is not one.
  const nlohmann::json description = datasets::describe_puzzle_file(args.path);
  std::cout << (args.json ? description.dump(2) + "\n" : datasets::format_puzzle_description(description));
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand("inspect", "Summary of a puzzle dataset or checkpoint file");
  cmd->add_option("file", args->path,
                  "A puzzle file (data/arc1-aug-1000.h5) or a checkpoint (RUN/checkpoints/step_N or a file in it)")
      ->required();
  cmd->add_flag("--json", args->json, "Machine-readable JSON instead of text");
  cmd->add_flag("--verify", args->verify,
                "Checkpoints: also read every file in full and check its checksums (as resume and eval do)");
  cmd->callback([args] { inspect(*args); });
}

}  // namespace recur::trainer
