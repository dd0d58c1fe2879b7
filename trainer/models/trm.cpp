// TRM's deep recursion (see trm.h for the notation).
#include "trainer/models/trm.h"

namespace recur::trainer {
namespace {

// The reference's puzzle_emb_len: the configured number of prefix slots, or
// ceil(puzzle_emb_ndim / hidden_size) when it is 0.
int64_t trm_prefix_length(const ArchConfig& arch) {
  if (arch.puzzle_emb_len != 0) return arch.puzzle_emb_len;
  return (arch.puzzle_emb_ndim + arch.hidden_size - 1) / arch.hidden_size;
}

}  // namespace

TRM::TRM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
         uint64_t init_seed)
    : RecursiveModel(arch, shape, trm_prefix_length(arch), dtype, device, init_seed),
      L_level_(tensors_, std::string(kPrefix) + "L_level", arch.L_layers, block_shape()) {
  finish_init();
}

torch::Tensor TRM::net(const torch::Tensor& h, const torch::Tensor& injection) const {
  return L_level_.forward(h, injection, rotary());
}

std::pair<torch::Tensor, torch::Tensor> TRM::latent_recursion(torch::Tensor y, torch::Tensor z,
                                                              const torch::Tensor& x) const {
  for (int64_t i = 0; i < arch_.L_cycles; ++i) z = net(z, y + x);  // latent reasoning: z <- f(x, y, z)
  y = net(y, z);                                                   // answer refinement: y <- f(y, z)
  return {y, z};
}

std::pair<torch::Tensor, torch::Tensor> TRM::recursion(torch::Tensor y, torch::Tensor z,
                                                       const torch::Tensor& x) const {
  {
    torch::NoGradGuard no_grad;
    for (int64_t t = 0; t < arch_.H_cycles - 1; ++t) std::tie(y, z) = latent_recursion(y, z, x);
  }
  return latent_recursion(y, z, x);
}

}  // namespace recur::trainer
