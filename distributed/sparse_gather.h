// The all-gather behind the sparse puzzle-embedding update.
//
// Each rank holds the rows it looked up this step (ids [B] int32) and their
// gradients ([B, D]). The sign-SGD update must see every rank's rows, so each rank
// gathers all of them, in rank order as torch's all_gather_into_tensor does, and then
// applies the same update to its own copy of the table: the copies stay identical.
// B is the same on every rank (global_batch_size / world_size).
#pragma once

#include "common/libtorch.h"
#include "distributed/communicator.h"

namespace recur::distributed {

struct GatheredRows {
  torch::Tensor ids;    // [W*B] int32
  torch::Tensor grads;  // [W*B, D]
};

// Collective ("puzzle_emb_ids", "puzzle_emb_grads"). Throws std::invalid_argument
// when ids is not 1-D int32 or grads is not [B, D].
GatheredRows all_gather_rows(Communicator& comm, const torch::Tensor& ids, const torch::Tensor& grads);

}  // namespace recur::distributed
