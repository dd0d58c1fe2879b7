// TRM's deep recursion and its architecture descriptor (see trm.h for the notation).
#include "trainer/models/trm.h"

#include <nlohmann/json.hpp>

#include "trainer/models/act.h"

namespace recur::trainer {
namespace {

// The reference's puzzle_emb_len: the configured number of prefix slots, or
// ceil(puzzle_emb_ndim / hidden_size) when it is 0.
int64_t trm_prefix_length(const ArchConfig& arch) {
  if (arch.puzzle_emb_len != 0) return arch.puzzle_emb_len;
  return puzzle_embedding_slots(arch);
}

std::string trm_prefix_problem(const ArchConfig& a) {
  if (a.puzzle_emb_ndim == 0 && a.puzzle_emb_len != 0)
    return "must be 0 when arch.puzzle_emb_ndim is 0 (there is no puzzle prefix), got " +
           std::to_string(a.puzzle_emb_len);
  if (a.puzzle_emb_len == 0 || a.puzzle_emb_len * a.hidden_size >= a.puzzle_emb_ndim) return "";
  return "too short: " + std::to_string(a.puzzle_emb_len) + " slots of " + std::to_string(a.hidden_size) +
         " cannot hold arch.puzzle_emb_ndim = " + std::to_string(a.puzzle_emb_ndim);
}

std::unique_ptr<ActModel> build_trm(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype,
                                    torch::Device device, uint64_t init_seed) {
  const ActConfig act{arch.halt_max_steps, arch.halt_exploration_prob, /*q_continue_halting=*/!arch.no_ACT_continue};
  return std::make_unique<ActModel>(std::make_unique<TRM>(arch, shape, dtype, device, init_seed), act);
}

// T = H_cycles recursions of n + 1 = L_cycles + 1 calls of the network; only the last
// recursion (and the heads) carries a gradient.
StepFlops trm_train_step_flops(const ArchConfig& arch, int64_t vocab_size, int64_t state_length, int64_t batch) {
  const double net = static_cast<double>(arch.L_layers) * block_forward_flops(block_shape_of(arch, state_length), batch);
  const double heads = heads_flops(batch, state_length, arch.hidden_size, vocab_size);
  const double recursion = static_cast<double>(arch.L_cycles + 1) * net;
  // With no_ACT_continue off, a gradient-free supervision step gives the Q-continue target.
  const bool target_forward = !arch.no_ACT_continue && arch.halt_max_steps > 1;
  return step_flops(static_cast<double>(arch.H_cycles) * recursion + heads, recursion + heads, target_forward);
}

ArchConfig trm_from_reference_config(const nlohmann::json& c) {
  ArchConfig a = shared_reference_config(c);
  a.name = "trm";
  a.H_layers = c.at("H_layers").get<int64_t>();
  a.L_layers = c.at("L_layers").get<int64_t>();
  a.halt_max_steps = c.at("halt_max_steps").get<int64_t>();
  a.halt_exploration_prob = c.at("halt_exploration_prob").get<double>();
  a.mlp_t = c.at("mlp_t").get<bool>();
  a.puzzle_emb_len = c.at("puzzle_emb_len").get<int64_t>();
  a.no_ACT_continue = c.at("no_ACT_continue").get<bool>();
  return a;
}

}  // namespace

const Architecture& trm_architecture() {
  static const Architecture trm{
      "trm",
      "Tiny Recursive Model",
      {{"arch.puzzle_emb_len", &trm_prefix_problem}},
      &trm_prefix_length,
      &build_trm,
      &trm_train_step_flops,
      {"trm_att", "trm_mlp"},
      &trm_from_reference_config,
  };
  return trm;
}

TRM::TRM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
         uint64_t init_seed)
    : RecursiveModel(arch, shape, trm_prefix_length(arch), dtype, device, init_seed),
      L_level_(tensors_, std::string(kPrefix) + "L_level", arch.L_layers, block_shape()) {
  finish_init({{"z_H", "H_init"}, {"z_L", "L_init"}});
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

std::vector<torch::Tensor> TRM::recursion(std::vector<torch::Tensor> state, const torch::Tensor& x) const {
  torch::Tensor y = state[0], z = state[1];
  {
    torch::NoGradGuard no_grad;
    for (int64_t t = 0; t < arch_.H_cycles - 1; ++t) std::tie(y, z) = latent_recursion(y, z, x);
  }
  std::tie(y, z) = latent_recursion(y, z, x);
  return {y, z};
}

}  // namespace recur::trainer
