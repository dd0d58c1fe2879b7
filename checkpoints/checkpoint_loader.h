// Finding and loading checkpoints for resume, eval, export and init_from.
//
// Two ways to name a checkpoint, two ways to fail:
//  - find_latest_complete(run_dir) is resume=auto: it walks step_N folders
//    newest first and returns the first one that verifies completely. Every
//    folder it passes over (no COMPLETE, a file missing, truncated or
//    corrupt) gets a one-line warning, so a broken last save costs one
//    checkpoint interval, not the run.
//  - A checkpoint the user names (eval, export, init_from) that is broken is
//    an InputError naming the file and what is wrong with it.
// "Verifies" means every file listed in COMPLETE is read in full (in blocks:
// memory stays flat) and its content checksum matches both the file's own
// record and COMPLETE.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_manifest.h"
#include "checkpoints/state_bundle.h"

namespace recur::checkpoints {

struct CheckpointRef {
  std::string folder;  // RUN/checkpoints/step_N
  CheckpointManifest manifest;
};

// Reads every file of the checkpoint in `folder`; InputError on any problem.
CheckpointManifest verify_checkpoint(const std::string& folder);

// The newest checkpoint under RUN/checkpoints that verifies, or nullopt.
// Reads every file in full: with many ranks, call it on rank 0 and broadcast
// the step (all ranks calling it is correct too, just more I/O).
std::optional<CheckpointRef> find_latest_complete(const std::string& run_dir);

// What a user may pass as CHECKPOINT: a step folder, a file inside one
// (model.h5, rank_*.h5, COMPLETE), or a run folder / its checkpoints folder
// (meaning its latest complete checkpoint). Returns the step folder.
std::string resolve_checkpoint_path(const std::string& path);

// The run folder `path` names (a run folder or its checkpoints/ folder), or
// nullopt when it names a checkpoint folder or a file in one.
std::optional<std::string> run_folder_of(const std::string& path);

// The checkpoints of a run taken at an evaluation (COMPLETE says so), oldest
// first. Reads only each COMPLETE; a folder whose COMPLETE is missing or does
// not parse is skipped with a warning. Loading verifies the files.
std::vector<CheckpointRef> eval_checkpoints(const std::string& run_dir);

// The loads: each verifies the file against COMPLETE; errors name the file.
CheckpointRef open_checkpoint(const std::string& folder);  // reads COMPLETE
// `into`: tensors loaded in place (bundle_file.h), e.g. the model's own.
StateBundle load_model_state(const CheckpointRef& checkpoint, const LoadTargets& into = {});
// The file of `rank` among the ranks that wrote the checkpoint (manifest.world_size).
StateBundle load_rank_state(const CheckpointRef& checkpoint, int rank);

}  // namespace recur::checkpoints
