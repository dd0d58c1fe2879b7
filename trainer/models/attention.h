// Non-causal multi-head self-attention with a fused q|k|v projection and RoPE.
//
// qkv_proj: D -> 3D without bias, viewed as [B, S, 3H, hd] with heads 0..H-1 = q,
// H..2H-1 = k, 2H..3H-1 = v (the reference's layout, so its weights load as they are).
// No mask, no dropout, scale 1/sqrt(hd): every position (padding and the puzzle
// prefix included) attends to every other. With LibTorch >= 2 the fused
// at::scaled_dot_product_attention kernel runs; LibTorch 1.x has none, so the same
// maths is written out (softmax(q k^T / sqrt(hd)) v). With `flash`, bf16 on CUDA
// (the GPU training case: ARC's 916 positions, head size 64) goes to the flash
// kernel by name: LibTorch's own choice among its kernels varies by version and GPU,
// the flash kernel keeps the S x S scores out of memory in the forward and backward.
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/casted_layers.h"
#include "trainer/models/rotary.h"

namespace recur::trainer {

class Attention {
 public:
  Attention(TensorRegistry& reg, const std::string& name, int64_t hidden_size, int64_t num_heads, bool flash);
  // x: [B, S, D]; rope may be null (pos_encodings none/learned).
  torch::Tensor forward(const torch::Tensor& x, const RotaryEmbedding* rope) const;

 private:
  CastedLinear qkv_proj_;
  CastedLinear o_proj_;
  int64_t num_heads_;
  int64_t head_dim_;
  bool flash_;
};

}  // namespace recur::trainer
