// Retention: which checkpoints of a run to keep after a new one is complete.
//
// Keeps the newest `keep_last` complete checkpoints and, with keep_eval, every
// checkpoint taken at an eval (the reference keeps those as its only output).
// The newest complete checkpoint is never removed, whatever the policy.
// Only folders this library owns are touched: complete `step_N` folders
// (their COMPLETE parses) are pruned by the policy, and `step_N.tmp` /
// `step_N.old` leftovers of killed writers are removed. Any other entry,
// including a `step_N` folder without a valid COMPLETE, is left alone.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur::checkpoints {

struct RetentionPolicy {
  int64_t keep_last = 3;  // config key keep_checkpoints; values below 1 act as 1
  bool keep_eval = true;  // config key keep_eval_checkpoints
};

// Rank 0 only, while no checkpoint is being written. Returns the removed folders.
std::vector<std::string> prune_checkpoints(const std::string& run_dir, const RetentionPolicy& policy);

// Renames `folder` to its removal name, then deletes it: a kill mid-way leaves
// only a `.old` folder, never a half-deleted checkpoint that still looks whole.
void remove_checkpoint_folder(const std::string& run_dir, int64_t step);

}  // namespace recur::checkpoints
