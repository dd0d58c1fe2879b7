// Gathering the sparse embedding rows of every rank (see sparse_gather.h).
#include "distributed/sparse_gather.h"

#include <stdexcept>

namespace recur::distributed {

GatheredRows all_gather_rows(Communicator& comm, const torch::Tensor& ids, const torch::Tensor& grads) {
  if (!ids.defined() || ids.dim() != 1 || ids.scalar_type() != torch::kInt)
    throw std::invalid_argument("all_gather_rows: ids must be a 1-d int32 tensor");
  if (!grads.defined() || grads.dim() != 2 || grads.size(0) != ids.size(0))
    throw std::invalid_argument("all_gather_rows: grads must be [B, D] with B = ids.size(0)");
  return {comm.all_gather(ids, "puzzle_emb_ids"), comm.all_gather(grads, "puzzle_emb_grads")};
}

}  // namespace recur::distributed
