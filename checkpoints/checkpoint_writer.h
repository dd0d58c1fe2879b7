// Saving a checkpoint from W ranks: the folder protocol of design.md.
//
// Protocol (rank 0 = R0; "agree" = a collective the trainer provides):
//   1. R0   begin_checkpoint: a fresh staging folder RUN/checkpoints/step_N.tmp
//           (any stale one from a killed writer is removed first)      -> agree
//   2. R0   write_model_state: step_N.tmp/model.h5
//      all  write_rank_state:  step_N.tmp/rank_RRRRR.h5                  -> agree
//   3. R0   finalize_checkpoint: COMPLETE (manifest with every file's
//           checksum), then rename step_N.tmp -> step_N; then prune    -> agree
// save_checkpoint() runs exactly this sequence; the steps are public so a
// trainer (or a test) can sequence them itself.
//
// Why a staging folder renamed at the end, rather than writing in place and
// relying on COMPLETE: a folder named step_N then always holds a finished
// checkpoint, loaders never see a half-written set, and a stale in-place
// folder can never be mistaken for, or mixed into, a new save of the same
// step. Each file is itself written to a temporary name, fsync'ed and renamed
// (atomic_file.h), and the folder rename is followed by an fsync of
// RUN/checkpoints, so the checkpoint is durable when save_checkpoint returns.
// On a shared file system every rank's file is closed and fsync'ed before
// the agreement in step 2, so rank 0's rename publishes complete files.
//
// Signals and kills: the trainer defers SIGTERM/SIGUSR1 to step boundaries
// and does not interrupt a save. Even so, nothing here can leave a visible
// broken checkpoint: a process killed at any instant leaves at most a
// step_N.tmp folder or a ".NAME.tmp-PID" file, which loaders ignore and the
// next save (begin_checkpoint, prune_checkpoints) removes. The only window
// where a checkpoint disappears is re-saving a step that already exists
// complete: the old folder is moved to step_N.old just before the new one is
// renamed in; older checkpoints are still there to resume from.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "checkpoints/retention.h"
#include "checkpoints/state_bundle.h"

namespace recur::checkpoints {

// Protocol steps (see above). write_* return the content checksum stored.
void begin_checkpoint(const std::string& run_dir, int64_t step);
uint64_t write_model_state(const std::string& run_dir, int64_t step, const StateBundle& model_state);
uint64_t write_rank_state(const std::string& run_dir, int64_t step, int rank, const StateBundle& rank_state);
// Checks that every file of a `world_size`-rank checkpoint is in the staging
// folder, writes COMPLETE and publishes the folder; returns RUN/checkpoints/step_N.
std::string finalize_checkpoint(const std::string& run_dir, int64_t step, int world_size, bool eval);
// Removes step_N.tmp after a failed save (errors ignored).
void discard_staging_folder(const std::string& run_dir, int64_t step);

struct SaveOptions {
  std::string run_dir;
  int64_t step = 0;
  int rank = 0;
  int world_size = 1;
  bool eval = false;  // taken at an eval: kept by RetentionPolicy::keep_eval
  RetentionPolicy retention;
};

// A collective over all ranks: returns true iff every rank passed true
// (an all-reduce of a flag with MIN/AND). One process: [](bool ok) { return ok; }.
using AllRanksOk = std::function<bool(bool ok)>;

// Collective: every rank calls it with the same options except `rank`.
// `model_state` is read on rank 0 only (pass nullptr elsewhere). Returns the
// checkpoint folder once it is complete and pruned, on every rank. If any
// rank fails, every rank throws (the failing one its own error), so no rank
// blocks in a collective that a failed rank never reaches. After a failure
// rank 0 removes the staging folder, so a full disk gets its space back and
// the newest complete checkpoint is still the previous one.
std::string save_checkpoint(const SaveOptions& options, const StateBundle* model_state,
                            const StateBundle& rank_state, const AllRanksOk& all_ranks_ok);

}  // namespace recur::checkpoints
