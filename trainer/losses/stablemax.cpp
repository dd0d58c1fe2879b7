// Stablemax and softmax cross-entropy (see stablemax.h).
#include "trainer/losses/stablemax.h"

namespace recur::trainer {
namespace {

torch::Tensor stablemax_s(const torch::Tensor& x) {
  constexpr double kEpsilon = 1e-30;
  return torch::where(x < 0, (1 - x + kEpsilon).reciprocal(), x + 1);
}

}  // namespace

torch::Tensor log_stablemax(const torch::Tensor& x, int64_t dim) {
  const torch::Tensor s = stablemax_s(x);
  return torch::log(s / s.sum(dim, /*keepdim=*/true));
}

torch::Tensor stablemax_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels) {
  const torch::Tensor logprobs = log_stablemax(logits.to(torch::kFloat64), -1);
  const torch::Tensor valid = labels != kIgnoreLabel;
  const torch::Tensor safe_labels = labels.masked_fill(~valid, 0).to(torch::kLong);
  const torch::Tensor picked = logprobs.gather(-1, safe_labels.unsqueeze(-1)).squeeze(-1);
  return -picked.masked_fill(~valid, 0);
}

torch::Tensor softmax_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels) {
  const int64_t V = logits.size(-1);
  const torch::Tensor loss = torch::cross_entropy_loss(logits.to(torch::kFloat32).reshape({-1, V}),
                                                       labels.to(torch::kLong).reshape({-1}), {},
                                                       at::Reduction::None, kIgnoreLabel);
  return loss.view(labels.sizes());
}

}  // namespace recur::trainer
