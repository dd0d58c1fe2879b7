// HRM's hierarchical recursion with the 1-step gradient, and its architecture
// descriptor (see hrm.h).
#include "trainer/models/hrm.h"

#include <nlohmann/json.hpp>

#include "trainer/models/act.h"

namespace recur::trainer {
namespace {

std::unique_ptr<ActModel> build_hrm(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype,
                                    torch::Device device, uint64_t init_seed) {
  // HRM always halts on q_halt > q_continue and learns q_continue.
  const ActConfig act{arch.halt_max_steps, arch.halt_exploration_prob, /*q_continue_halting=*/true};
  return std::make_unique<ActModel>(std::make_unique<HRM>(arch, shape, dtype, device, init_seed), act);
}

// H_cycles * L_cycles L-module calls and H_cycles H-module calls, the gradient on the
// last of each; in training a second, gradient-free forward for the Q-learning target.
StepFlops hrm_train_step_flops(const ArchConfig& arch, int64_t vocab_size, int64_t state_length, int64_t batch) {
  const double block = block_forward_flops(block_shape_of(arch, state_length), batch);
  const double L_call = static_cast<double>(arch.L_layers) * block;
  const double H_call = static_cast<double>(arch.H_layers) * block;
  const double heads = heads_flops(batch, state_length, arch.hidden_size, vocab_size);
  const double T = static_cast<double>(arch.H_cycles), n = static_cast<double>(arch.L_cycles);
  return step_flops(T * n * L_call + T * H_call + heads, L_call + H_call + heads,
                    /*target_forward=*/arch.halt_max_steps > 1);
}

ArchConfig hrm_from_reference_config(const nlohmann::json& c) {
  ArchConfig a = shared_reference_config(c);
  a.name = "hrm";
  a.H_layers = c.at("H_layers").get<int64_t>();
  a.L_layers = c.at("L_layers").get<int64_t>();
  a.halt_max_steps = c.at("halt_max_steps").get<int64_t>();
  a.halt_exploration_prob = c.at("halt_exploration_prob").get<double>();
  return a;
}

}  // namespace

const Architecture& hrm_architecture() {
  static const Architecture hrm{
      "hrm",
      "Hierarchical Reasoning Model",
      {{"arch.H_layers",
        [](const ArchConfig& a) -> std::string {
          return a.H_layers >= 1 ? "" : "must be >= 1 for arch.name hrm, got " + std::to_string(a.H_layers);
        }},
       {"arch.pos_encodings",
        [](const ArchConfig& a) -> std::string {
          return a.pos_encodings != "none" ? "" : "HRM supports rope or learned, got none";
        }},
       {"arch.mlp_t",
        [](const ArchConfig& a) -> std::string {
          return !a.mlp_t ? "" : "is a TRM option; HRM always uses attention";
        }}},
      &puzzle_embedding_slots,
      &build_hrm,
      &hrm_train_step_flops,
      {"hrm"},
      &hrm_from_reference_config,
  };
  return hrm;
}

HRM::HRM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
         uint64_t init_seed)
    : RecursiveModel(arch, shape, puzzle_embedding_slots(arch), dtype, device, init_seed),
      H_level_(tensors_, std::string(kPrefix) + "H_level", arch.H_layers, block_shape()),
      L_level_(tensors_, std::string(kPrefix) + "L_level", arch.L_layers, block_shape()) {
  finish_init({{"z_H", "H_init"}, {"z_L", "L_init"}});
}

std::vector<torch::Tensor> HRM::recursion(std::vector<torch::Tensor> state, const torch::Tensor& x) const {
  torch::Tensor z_H = state[0], z_L = state[1];
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
