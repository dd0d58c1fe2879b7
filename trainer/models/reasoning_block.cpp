// Post-norm blocks and the reasoning module (see reasoning_block.h).
#include "trainer/models/reasoning_block.h"

#include "trainer/models/rms_norm.h"

namespace recur::trainer {

BlockShape block_shape_of(const ArchConfig& a, int64_t state_length) {
  return {a.hidden_size, a.num_heads, a.expansion, a.rms_norm_eps, a.mlp_t, state_length, a.flash_attention};
}

ReasoningBlock::ReasoningBlock(TensorRegistry& reg, const std::string& name, const BlockShape& shape)
    // Member order fixes the init draw order: token mixer first, then the MLP, as in the reference.
    : self_attn_(shape.mlp_t ? std::nullopt
                             : std::make_optional<Attention>(reg, name + ".self_attn", shape.hidden_size,
                                                             shape.num_heads, shape.flash_attention)),
      mlp_t_(shape.mlp_t ? std::make_optional<SwiGLU>(reg, name + ".mlp_t", shape.seq_length, shape.expansion)
                         : std::nullopt),
      mlp_(reg, name + ".mlp", shape.hidden_size, shape.expansion),
      eps_(shape.rms_norm_eps) {}

torch::Tensor ReasoningBlock::forward(const torch::Tensor& u, const RotaryEmbedding* rope) const {
  torch::Tensor h;
  if (mlp_t_) {
    // [B, D, S], so the norm below runs over S. Both transposes are materialised: a linear
    // on a transposed view falls back to a batched GEMM several times slower than one GEMM.
    const torch::Tensor t = u.transpose(1, 2).contiguous();
    h = add_rms_norm(t, mlp_t_->forward(t), eps_).transpose(1, 2).contiguous();
  } else {
    h = add_rms_norm(u, self_attn_->forward(u, rope), eps_);
  }
  return add_rms_norm(h, mlp_.forward(h), eps_);
}

ReasoningModule::ReasoningModule(TensorRegistry& reg, const std::string& name, int64_t num_layers,
                                 const BlockShape& shape) {
  layers_.reserve(num_layers);
  for (int64_t i = 0; i < num_layers; ++i)
    layers_.emplace_back(reg, name + ".layers." + std::to_string(i), shape);
}

torch::Tensor ReasoningModule::forward(const torch::Tensor& hidden, const torch::Tensor& injection,
                                       const RotaryEmbedding* rope) const {
  torch::Tensor u = hidden + injection;
  for (const auto& layer : layers_) u = layer.forward(u, rope);
  return u;
}

}  // namespace recur::trainer
