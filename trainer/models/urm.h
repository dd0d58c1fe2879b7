// URM, the Universal Reasoning Model (Gao et al. 2025, arXiv 2512.14693; reference:
// UbiquantAI/URM models/urm/urm.py).
//
// One weight-shared stack of num_layers blocks (arch.L_layers; the reference's
// `num_layers`) and one carried state h ("current_hidden", reset to the fixed buffer
// init_hidden). One supervision step, with x the embedded input:
//   (H_cycles - 1) * L_cycles inner loops without gradient, then L_cycles with it
//   ("truncated backpropagation through loops");  inner loop:  h = stack(h + x)
// so the gradient flows through the last L_cycles * num_layers block applications and,
// through those L_cycles additions, into x. Blocks are post-norm with weightless RMSNorm:
//   u = rms_norm(u + Attn(u));   u = rms_norm(u + ConvSwiGLU(u))    (conv_swiglu.h)
// RoPE is always applied (the reference builds its tables whatever pos_encodings says:
// pos_encodings must be rope). The puzzle prefix is ceil(puzzle_emb_ndim / D) = 1 slot;
// the heads read h (LM head on the grid, Q head at slot 0). Halting is TRM's with
// no_ACT_continue (q_halt > 0, never q_continue) at arch.halt_max_steps (the reference's
// `loops`), with exploration arch.halt_exploration_prob (hard-coded 0.1 in the reference,
// the default here). Parameter names: `model.inner.layers.<i>.{self_attn,mlp}.*`,
// `model.inner.init_hidden`.
#pragma once

#include <vector>

#include "trainer/models/architecture.h"
#include "trainer/models/attention.h"
#include "trainer/models/conv_swiglu.h"
#include "trainer/models/recursive_model.h"

namespace recur::trainer {

// URM's descriptor (architecture.h): arch.name "urm"; golden fixture urm (urm/urm.h5).
const Architecture& urm_architecture();

class URMBlock {
 public:
  URMBlock(TensorRegistry& reg, const std::string& name, const BlockShape& shape, ConvPrecision precision,
           torch::ScalarType dtype);
  torch::Tensor forward(const torch::Tensor& u, const RotaryEmbedding* rope) const;
  const ConvSwiGLU& mlp() const { return mlp_; }

 private:
  Attention self_attn_;
  ConvSwiGLU mlp_;
  double eps_;
};

class URM final : public RecursiveModel {
 public:
  URM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
      uint64_t init_seed);
  const URMBlock& layer(size_t i) const { return layers_.at(i); }

 private:
  std::vector<torch::Tensor> recursion(std::vector<torch::Tensor> state, const torch::Tensor& x) const override;
  torch::Tensor inner_loop(const torch::Tensor& h, const torch::Tensor& x) const;

  std::vector<URMBlock> layers_;
};

}  // namespace recur::trainer
