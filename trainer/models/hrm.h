// HRM, the Hierarchical Reasoning Model (Wang et al. 2025; reference: sapientinc/HRM
// models/hrm/hrm_act_v1.py).
//
// Two networks: a slow high-level module f_H (H_level, H_layers blocks) and a fast
// low-level module f_L (L_level, L_layers blocks), with states z_H and z_L. In one
// supervision step, H_cycles times: L_cycles updates z_L = f_L(z_L, z_H + x), then
// z_H = f_H(z_H, z_L). Only the very last f_L call and the last f_H call carry a
// gradient (the "1-step gradient" justified by the implicit function theorem); all
// earlier calls run without grad. The puzzle prefix is ceil(puzzle_emb_ndim / D) = 1
// slot. ACT halting compares q_halt with q_continue, and q_continue is trained
// towards a bootstrapped target from a second forward (act.h).
#pragma once

#include "trainer/models/architecture.h"
#include "trainer/models/recursive_model.h"

namespace recur::trainer {

// HRM's descriptor (architecture.h): arch.name "hrm"; golden fixture hrm.
const Architecture& hrm_architecture();

class HRM final : public RecursiveModel {
 public:
  HRM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
      uint64_t init_seed);

 private:
  std::vector<torch::Tensor> recursion(std::vector<torch::Tensor> state, const torch::Tensor& x) const override;

  ReasoningModule H_level_;
  ReasoningModule L_level_;
};

}  // namespace recur::trainer
