// HRM's hierarchical recursion with the 1-step gradient (see hrm.h).
#include "trainer/models/hrm.h"

namespace recur::trainer {

HRM::HRM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
         uint64_t init_seed)
    : RecursiveModel(arch, shape, (arch.puzzle_emb_ndim + arch.hidden_size - 1) / arch.hidden_size, dtype, device,
                     init_seed),
      H_level_(tensors_, std::string(kPrefix) + "H_level", arch.H_layers, block_shape()),
      L_level_(tensors_, std::string(kPrefix) + "L_level", arch.L_layers, block_shape()) {
  finish_init();
}

std::pair<torch::Tensor, torch::Tensor> HRM::recursion(torch::Tensor z_H, torch::Tensor z_L,
                                                       const torch::Tensor& x) const {
  const int64_t H = arch_.H_cycles, L = arch_.L_cycles;
  {
    torch::NoGradGuard no_grad;
    for (int64_t h = 0; h < H; ++h) {
      for (int64_t l = 0; l < L; ++l) {
        const bool last_call = h == H - 1 && l == L - 1;  // left for the gradient step below
        if (!last_call) z_L = L_level_.forward(z_L, z_H + x, rotary());
      }
      if (h != H - 1) z_H = H_level_.forward(z_H, z_L, rotary());
    }
  }
  z_L = L_level_.forward(z_L, z_H + x, rotary());
  z_H = H_level_.forward(z_H, z_L, rotary());
  return {z_H, z_L};
}

}  // namespace recur::trainer
