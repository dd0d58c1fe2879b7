// Sparse puzzle embedding (see puzzle_embedding.h).
#include "trainer/models/puzzle_embedding.h"

namespace recur::trainer {

PuzzleEmbedding::PuzzleEmbedding(TensorRegistry& reg, const std::string& name, int64_t num_identifiers,
                                 int64_t dim)
    : weights_(reg.zeros_buffer(name + ".weights", {num_identifiers, dim})) {}

torch::Tensor PuzzleEmbedding::forward(const torch::Tensor& ids, torch::ScalarType dtype, bool collect_grad) {
  torch::Tensor rows = weights_.index_select(0, ids);
  if (!collect_grad) return rows.to(dtype);
  local_weights_ = rows.detach().requires_grad_(true);
  local_ids_ = ids;
  return local_weights_.to(dtype);
}

torch::Tensor PuzzleEmbedding::local_grad() const {
  const torch::Tensor& g = local_weights_.grad();
  return g.defined() ? g : torch::zeros_like(local_weights_);
}

}  // namespace recur::trainer
