// TRM, the Tiny Recursive Model (Jolicoeur-Martineau 2025, "Less is More: Recursive
// Reasoning with Tiny Networks"; reference: SamsungSAILMontreal/TinyRecursiveModels trm.py).
//
// Names, as in the paper:  x = the embedded question (input_embeddings),
//   y = z_H, the current answer state;  z = z_L, the latent reasoning state;
//   f = net = the one small network (L_level, L_layers = 2 blocks) used for both updates;
//   n = L_cycles latent updates per recursion;  T = H_cycles recursions per supervision step.
//
// One supervision step (deep recursion):
//   T - 1 times, without gradient:   (y, z) = latent_recursion(x, y, z)
//   once, with gradient:             (y, z) = latent_recursion(x, y, z)
//   latent_recursion:   n times  z = f(z, y + x);   then  y = f(y, z)
// Only the last recursion is kept for backward (n + 1 calls of f), so activation
// memory does not grow with T. Outputs read y: logits = lm_head(y) on the grid
// positions, q_halt = Q_head(y at prefix slot 0). The puzzle prefix has
// puzzle_emb_len (16) slots. Token mixing is attention, or with mlp_t an MLP over
// the sequence axis (the Sudoku-MLP variant). H_layers is ignored, as in the reference.
#pragma once

#include "trainer/models/architecture.h"
#include "trainer/models/recursive_model.h"

namespace recur::trainer {

// TRM's descriptor (architecture.h): arch.name "trm"; golden fixtures trm_att, trm_mlp.
const Architecture& trm_architecture();

class TRM final : public RecursiveModel {
 public:
  TRM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
      uint64_t init_seed);

 private:
  std::vector<torch::Tensor> recursion(std::vector<torch::Tensor> state, const torch::Tensor& x) const override;
  std::pair<torch::Tensor, torch::Tensor> latent_recursion(torch::Tensor y, torch::Tensor z,
                                                           const torch::Tensor& x) const;
  torch::Tensor net(const torch::Tensor& h, const torch::Tensor& injection) const;

  ReasoningModule L_level_;  // the network f
};

}  // namespace recur::trainer
