// The network the recursion applies: a stack of post-norm blocks after an input
// injection (the reference's ReasoningModule of Blocks).
//
//   ReasoningModule(h, inj):  u = h + inj;  for each block: u = block(u)
//   Block (attention):        u = rms_norm(u + Attn(u));     u = rms_norm(u + SwiGLU_D(u))
//   Block (mlp_t, TRM-MLP):   u^T = rms_norm(u^T + SwiGLU_S(u^T)) over the SEQUENCE axis,
//                             then u = rms_norm(u + SwiGLU_D(u)) as usual.
// The mlp_t variant mixes tokens with an MLP whose input/output size is the sequence
// length S (prefix + grid); it replaces attention in the Sudoku-MLP TRM.
// Parameter names: `<module>.layers.<i>.{self_attn,mlp_t,mlp}.<proj>.weight`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/libtorch.h"
#include "trainer/config/config.h"
#include "trainer/models/attention.h"
#include "trainer/models/swiglu.h"

namespace recur::trainer {

struct BlockShape {
  int64_t hidden_size;
  int64_t num_heads;
  double expansion;
  double rms_norm_eps;
  bool mlp_t;          // token mixing by an MLP over the sequence instead of attention
  int64_t seq_length;  // S = prefix + grid (the mlp_t width)
  bool flash_attention = true;  // bf16 on CUDA: the flash kernel (attention.h)
};

// The blocks of `arch` on states of `state_length` positions.
BlockShape block_shape_of(const ArchConfig& arch, int64_t state_length);

class ReasoningBlock {
 public:
  ReasoningBlock(TensorRegistry& reg, const std::string& name, const BlockShape& shape);
  torch::Tensor forward(const torch::Tensor& u, const RotaryEmbedding* rope) const;

 private:
  std::optional<Attention> self_attn_;
  std::optional<SwiGLU> mlp_t_;
  SwiGLU mlp_;
  double eps_;
};

class ReasoningModule {
 public:
  ReasoningModule(TensorRegistry& reg, const std::string& name, int64_t num_layers, const BlockShape& shape);
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& injection,
                        const RotaryEmbedding* rope) const;

 private:
  std::vector<ReasoningBlock> layers_;
};

}  // namespace recur::trainer
