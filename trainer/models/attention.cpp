// Self-attention (see attention.h).
#include "trainer/models/attention.h"

#include <torch/version.h>

#include <cmath>
#include <tuple>

#include "trainer/models/fp32_sums.h"
#include "trainer/runtime/profile_scopes.h"

namespace recur::trainer {
namespace {

// q, k, v: [B, H, S, hd] -> [B, H, S, hd].
torch::Tensor dot_product_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                    bool flash) {
  const ProfileScope profile(profile_scope::kAttention);
#if TORCH_VERSION_MAJOR >= 2
  // The flash kernel's limits: half precision on a GPU, head size a multiple of 8, at most 256.
  const int64_t hd = q.size(-1);
  if (flash && q.is_cuda() && q.scalar_type() == torch::kBFloat16 && hd % 8 == 0 && hd <= 256)
    return std::get<0>(at::_scaled_dot_product_flash_attention(q, k, v));
  return at::scaled_dot_product_attention(q, k, v);
#else
  (void)flash;
  // Scaling q (S x hd) is cheaper than scaling the S x S scores.
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  torch::Tensor scores = matmul_fp32_sums(q * scale, k.transpose(-2, -1));
  return matmul_fp32_sums(torch::softmax(scores, -1), v);
#endif
}

}  // namespace

Attention::Attention(TensorRegistry& reg, const std::string& name, int64_t hidden_size, int64_t num_heads,
                     bool flash)
    : qkv_proj_(reg, name + ".qkv_proj", hidden_size, 3 * hidden_size, false),
      o_proj_(reg, name + ".o_proj", hidden_size, hidden_size, false),
      num_heads_(num_heads),
      head_dim_(hidden_size / num_heads),
      flash_(flash) {}

torch::Tensor Attention::forward(const torch::Tensor& x, const RotaryEmbedding* rope) const {
  const int64_t B = x.size(0), S = x.size(1), H = num_heads_;
  const torch::Tensor qkv = qkv_proj_.forward(x).view({B, S, 3 * H, head_dim_});
  torch::Tensor q = qkv.narrow(2, 0, H);
  torch::Tensor k = qkv.narrow(2, H, H);
  const torch::Tensor v = qkv.narrow(2, 2 * H, H);
  if (rope) std::tie(q, k) = apply_rotary(q, k, *rope);
  const torch::Tensor out = dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), flash_);
  return o_proj_.forward(out.transpose(1, 2).reshape({B, S, H * head_dim_}));
}

}  // namespace recur::trainer
