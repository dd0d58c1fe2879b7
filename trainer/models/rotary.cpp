// RoPE tables and rotation (see rotary.h).
#include "trainer/models/rotary.h"

namespace recur::trainer {
namespace {

torch::Tensor rotate_half(const torch::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

torch::Tensor rotate(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const torch::Tensor xf = x.to(torch::kFloat32);
  return (xf * cos + rotate_half(xf) * sin).to(x.scalar_type());
}

}  // namespace

RotaryEmbedding make_rotary_embedding(int64_t head_dim, int64_t max_positions, double theta,
                                      torch::Device device) {
  // Same op sequence as the reference (fp32 throughout), so the tables match it bit for bit.
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  torch::Tensor exponent = torch::arange(0, head_dim, 2, f32) / static_cast<double>(head_dim);
  torch::Tensor inv_freq = torch::pow(theta, exponent).reciprocal();
  torch::Tensor t = torch::arange(max_positions, f32);
  torch::Tensor freqs = torch::outer(t, inv_freq);
  torch::Tensor emb = torch::cat({freqs, freqs}, -1);
  return {emb.cos().to(device), emb.sin().to(device)};
}

std::pair<torch::Tensor, torch::Tensor> apply_rotary(const torch::Tensor& q, const torch::Tensor& k,
                                                     const RotaryEmbedding& rope) {
  // [S, d] -> [S, 1, d] broadcasts over the head axis of [B, S, H, d].
  const torch::Tensor cos = rope.cos.unsqueeze(-2);
  const torch::Tensor sin = rope.sin.unsqueeze(-2);
  return {rotate(q, cos, sin), rotate(k, cos, sin)};
}

}  // namespace recur::trainer
