// Rotary position embedding (RoPE), "rotate-half" (GPT-NeoX) convention.
//
// inv_freq_i = theta^(-2i/d) for i < d/2; position t gets angle t * inv_freq_i on
// both halves of the head dimension; q' = q cos + rotate_half(q) sin with
// rotate_half([x1, x2]) = [-x2, x1]. The cos/sin tables are computed once per model
// in fp32 (the rotation runs in fp32 and is cast back, as in the reference) and are
// not saved: they are a function of the config.
#pragma once

#include <utility>

#include "common/libtorch.h"

namespace recur::trainer {

struct RotaryEmbedding {
  torch::Tensor cos;  // [S, head_dim] fp32
  torch::Tensor sin;  // [S, head_dim] fp32
};

RotaryEmbedding make_rotary_embedding(int64_t head_dim, int64_t max_positions, double theta,
                                      torch::Device device);

// q, k: [B, S, H, head_dim] in any dtype; returns them rotated, in their own dtype.
std::pair<torch::Tensor, torch::Tensor> apply_rotary(const torch::Tensor& q, const torch::Tensor& k,
                                                     const RotaryEmbedding& rope);

}  // namespace recur::trainer
