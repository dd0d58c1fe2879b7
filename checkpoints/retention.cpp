// Checkpoint retention (see retention.h).
#include "checkpoints/retention.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_manifest.h"
#include "common/error.h"

namespace recur::checkpoints {

namespace fs = std::filesystem;

void remove_checkpoint_folder(const std::string& run_dir, int64_t step) {
  std::string doomed = removal_folder(run_dir, step);
  fs::remove_all(doomed);
  fs::rename(step_folder(run_dir, step), doomed);
  fs::remove_all(doomed);
}

std::vector<std::string> prune_checkpoints(const std::string& run_dir, const RetentionPolicy& policy) {
  std::vector<std::string> removed;
  std::string dir = checkpoints_dir(run_dir);
  if (!fs::is_directory(dir)) return removed;

  std::vector<fs::path> leftovers;
  std::vector<CheckpointManifest> complete;  // owned: a step_N folder whose COMPLETE parses
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    int64_t step = 0;
    if (entry.is_directory() && is_transient_folder_name(name)) {
      leftovers.push_back(entry.path());
    } else if (entry.is_directory() && parse_step_folder_name(name, &step)) {
      try {
        complete.push_back(read_manifest(entry.path().string()));
      } catch (const InputError&) {
        // Not a checkpoint we can vouch for: leave it for a person to look at.
      }
    }
  }
  for (const fs::path& leftover : leftovers) {
    fs::remove_all(leftover);
    removed.push_back(leftover.string());
  }

  std::sort(complete.begin(), complete.end(),
            [](const CheckpointManifest& a, const CheckpointManifest& b) { return a.step > b.step; });
  size_t keep_newest = static_cast<size_t>(std::max<int64_t>(policy.keep_last, 1));
  for (size_t i = keep_newest; i < complete.size(); ++i) {
    if (policy.keep_eval && complete[i].eval) continue;
    remove_checkpoint_folder(run_dir, complete[i].step);
    removed.push_back(step_folder(run_dir, complete[i].step));
  }
  return removed;
}

}  // namespace recur::checkpoints
