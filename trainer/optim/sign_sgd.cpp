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
  // No unique(): its output size would make the host wait for the GPU. Instead the
  // ids are sorted (stably), each run of equal ids sums its rows in their original
  // order (as sum_rows_by_id does), and every position writes its id's new row:
  // duplicates write the same values, so the table gets what one write per id gives.
  const int64_t n = ids.size(0);
  if (n == 0) return;
  const auto [sorted, order] = torch::sort(ids.to(torch::kLong), /*stable=*/true, /*dim=*/0, /*descending=*/false);
  const torch::Tensor starts_run =
      torch::cat({torch::ones({1}, sorted.options().dtype(torch::kBool)), sorted.slice(0, 1) != sorted.slice(0, 0, n - 1)});
  const torch::Tensor run = starts_run.cumsum(0) - 1;  // which run each sorted position belongs to
  const torch::Tensor summed = torch::zeros_like(grads).index_add_(0, run, grads.index_select(0, order));
  torch::Tensor rows = table.index_select(0, sorted);
  rows.mul_(1.0 - lr * weight_decay).add_(torch::sign(summed.index_select(0, run)), -lr);
  table.index_copy_(0, sorted, rows);
}

}  // namespace recur::trainer
