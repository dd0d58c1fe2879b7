// Sign-SGD with decoupled, lazy weight decay for the sparse puzzle-embedding table
// (the reference's CastedSparseEmbeddingSignSGD_Distributed).
//
// Only the rows the (global) batch touched change: gradient rows that share an id are
// summed, then row <- row (1 - lr wd) - lr sign(g_sum). Untouched rows are neither
// updated nor decayed. The sign makes the loss scale irrelevant. The caller passes the
// ids and gradient rows already gathered from every rank (distributed/ all-gather), so
// every rank applies the same update to its replica of the table.
#pragma once

#include <utility>

#include "common/libtorch.h"

namespace recur::trainer {

// (sorted unique ids, the sum of the gradient rows of each id): ids int [N], grads [N, D].
std::pair<torch::Tensor, torch::Tensor> sum_rows_by_id(const torch::Tensor& ids, const torch::Tensor& grads);

// table [num_ids, D] fp32, updated in place.
void sign_sgd_step(torch::Tensor& table, const torch::Tensor& ids, const torch::Tensor& grads, double lr,
                   double weight_decay);

}  // namespace recur::trainer
