// `recur export CHECKPOINT --to model.pt [--ema]` (see export_command.h).
//
// CHECKPOINT is anything checkpoints::resolve_checkpoint_path accepts (a step
// folder, its model.h5, or a run folder meaning its latest checkpoint). The
// checkpoint is verified before anything is written. Keys are recur's
// state_dict names, which are the reference's without torch.compile's
// `_orig_mod.` prefix; the reference's evaluate.py retries without it, and
// `model.load_state_dict(torch.load("model.pt"))` takes them as they are.
#include "trainer/cli/export_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/state_dict_file.h"
#include "checkpoints/weights.h"

namespace recur::trainer {
namespace {

struct ExportArgs {
  std::string checkpoint;
  std::string to;
  bool ema = false;
};

void export_weights(const ExportArgs& args) {
  checkpoints::CheckpointRef checkpoint =
      checkpoints::open_checkpoint(checkpoints::resolve_checkpoint_path(args.checkpoint));
  checkpoints::NamedTensors weights =
      checkpoints::model_weights(checkpoints::load_model_state(checkpoint), args.ema);
  checkpoints::export_state_dict(args.to, weights);
  std::cout << "wrote " << args.to << ": " << weights.size() << " tensors, " << (args.ema ? "EMA" : "raw")
            << " weights of step " << checkpoint.manifest.step << " (" << checkpoint.folder << ")\n";
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "Write a checkpoint's weights as a PyTorch state_dict (.pt)");
  cmd->add_option("checkpoint", args->checkpoint, "Checkpoint folder (RUN/checkpoints/step_N), its model.h5, or a run folder")
      ->required();
  cmd->add_option("--to", args->to, "Output .pt file (torch.load returns a dict of tensors)")->required();
  cmd->add_flag("--ema", args->ema, "Export the EMA weights (what the reference saves and evaluates)");
  cmd->callback([args] { export_weights(*args); });
}

}  // namespace recur::trainer
