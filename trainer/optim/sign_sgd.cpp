// Sparse sign-SGD (see sign_sgd.h).
#include "trainer/optim/sign_sgd.h"

namespace recur::trainer {

std::pair<torch::Tensor, torch::Tensor> sum_rows_by_id(const torch::Tensor& ids, const torch::Tensor& grads) {
  auto [unique_ids, inverse, counts] = at::_unique2(ids, /*sorted=*/true, /*return_inverse=*/true,
                                                    /*return_counts=*/false);
  torch::Tensor summed = torch::zeros({unique_ids.size(0), grads.size(1)}, grads.options());
  summed.scatter_add_(0, inverse.unsqueeze(-1).expand({-1, grads.size(1)}), grads);
  return {unique_ids, summed};
}

void sign_sgd_step(torch::Tensor& table, const torch::Tensor& ids, const torch::Tensor& grads, double lr,
                   double weight_decay) {
  torch::NoGradGuard no_grad;
  auto [row_ids, g] = sum_rows_by_id(ids, grads);
  const torch::Tensor index = row_ids.to(torch::kLong);
  torch::Tensor rows = table.index_select(0, index);
  rows.mul_(1.0 - lr * weight_decay).add_(torch::sign(g), -lr);
  table.index_copy_(0, index, rows);
}

}  // namespace recur::trainer
