// The sparse per-puzzle embedding ("CastedSparseEmbedding" of the reference).
//
// One learned vector per puzzle identifier, in a table that can be huge (ARC-1:
// 961k rows x 512 fp32, about 2 GB). It is a persistent buffer, not a parameter:
// AdamATan2 and the dense gradient all-reduce never touch it. Instead, a training
// forward copies the batch's rows into a small leaf tensor [B, dim] that collects
// this step's gradient; after backward the trainer gathers (local_ids, local_grad)
// from every rank and applies optim/sign_sgd.h to the touched rows only.
// Evaluation reads the table directly. The table is zero-initialised.
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"

namespace recur::trainer {

class PuzzleEmbedding {
 public:
  PuzzleEmbedding(TensorRegistry& reg, const std::string& name, int64_t num_identifiers, int64_t dim);

  // ids: int32 [B]. Returns [B, dim] in `dtype`. With `collect_grad` the rows go through
  // a fresh fp32 leaf (so the gradient of this forward lands in local_grad()).
  torch::Tensor forward(const torch::Tensor& ids, torch::ScalarType dtype, bool collect_grad);

  // After backward of a forward with collect_grad: the ids [B] and their gradient rows [B, dim]
  // (zeros if no gradient reached them).
  const torch::Tensor& local_ids() const { return local_ids_; }
  torch::Tensor local_grad() const;

  const torch::Tensor& weights() const { return weights_; }

 private:
  torch::Tensor weights_;        // [num_identifiers, dim] fp32
  torch::Tensor local_weights_;  // leaf of the last collecting forward
  torch::Tensor local_ids_;
};

}  // namespace recur::trainer
