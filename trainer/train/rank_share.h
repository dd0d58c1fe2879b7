// One rank's share of a checkpoint's per-rank state, on any number of ranks.
//
// A Slurm job may come back on another node count. What each rank file holds
// (train_state.h) is of two kinds:
//   carry/...   the ACT carry of the rank's slots: rank r of W holds global
//               slots [r·B, (r+1)·B), B = global_batch_size / W, in order;
//   the rest    state every rank holds alike, because it describes the global
//               batch and not a rank's slice: the exploration generator (every
//               rank draws for the whole global batch) and the loader cursor.
// So a checkpoint of W ranks resumes on W' ranks with the same global batch
// by cutting the carry anew: rank r' takes slots [r'·G/W', (r'+1)·G/W') from
// the old files that hold them, and the shared state from those files, which
// must agree. Every rank then computes what the unchanged job would have, and
// the continued run equals it up to the summation order of the all-reduce
// (the 2 ranks = 1 rank tolerance). A global batch that W' does not divide is
// refused before this is reached (check_batch_slicing).
#pragma once

#include <cstdint>

#include "checkpoints/checkpoint_loader.h"

namespace recur::trainer {

// The rank file `rank` of `world_size` would hold, had the checkpoint been
// written by that many ranks; InputError naming the file when the files do
// not fit `global_batch` or disagree on the shared state.
checkpoints::StateBundle load_rank_share(const checkpoints::CheckpointRef& checkpoint, int rank, int world_size,
                                         int64_t global_batch);

}  // namespace recur::trainer
