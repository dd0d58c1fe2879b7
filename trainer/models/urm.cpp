// URM's truncated recursion and its architecture descriptor (see urm.h).
#include "trainer/models/urm.h"

#include <nlohmann/json.hpp>

#include "trainer/models/act.h"
#include "trainer/models/rms_norm.h"

namespace recur::trainer {
namespace {

std::unique_ptr<ActModel> build_urm(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype,
                                    torch::Device device, uint64_t init_seed) {
  const ActConfig act{arch.halt_max_steps, arch.halt_exploration_prob, /*q_continue_halting=*/false};
  return std::make_unique<ActModel>(std::make_unique<URM>(arch, shape, dtype, device, init_seed), act);
}

// H_cycles * L_cycles passes through the num_layers blocks, the last L_cycles with gradient.
// The depthwise conv is elementwise work (two multiply-adds per element), not counted (flops.h).
StepFlops urm_train_step_flops(const ArchConfig& arch, int64_t vocab_size, int64_t state_length, int64_t batch) {
  const double block = block_forward_flops(block_shape_of(arch, state_length), batch);
  const double pass = static_cast<double>(arch.L_layers) * block;
  const double heads = heads_flops(batch, state_length, arch.hidden_size, vocab_size);
  const double passes = static_cast<double>(arch.H_cycles * arch.L_cycles);
  return step_flops(passes * pass + heads, static_cast<double>(arch.L_cycles) * pass + heads,
                    /*target_forward=*/false);
}

ArchConfig urm_from_reference_config(const nlohmann::json& c) {
  ArchConfig a = shared_reference_config(c);
  a.name = "urm";
  a.L_layers = c.at("num_layers").get<int64_t>();
  a.halt_max_steps = c.at("loops").get<int64_t>();
  a.halt_exploration_prob = 0.1;  // a constant of URM.forward, not a config field
  a.H_layers = 0;
  return a;
}

std::string urm_rope_problem(const ArchConfig& a) {
  if (a.pos_encodings == "rope") return "";
  return "URM always applies RoPE (the reference ignores the key): must be rope, got " + a.pos_encodings;
}

}  // namespace

const Architecture& urm_architecture() {
  static const Architecture urm{
      "urm",
      "Universal Reasoning Model",
      {{"arch.pos_encodings", &urm_rope_problem},
       {"arch.mlp_t",
        [](const ArchConfig& a) -> std::string {
          return !a.mlp_t ? "" : "is a TRM option; URM's blocks are attention + ConvSwiGLU";
        }},
       {"arch.H_layers",
        [](const ArchConfig& a) -> std::string {
          return a.H_layers == 0 ? "" : "must be 0 for URM (one stack of arch.L_layers blocks), got " +
                                            std::to_string(a.H_layers);
        }}},
      &puzzle_embedding_slots,
      &build_urm,
      &urm_train_step_flops,
      {"urm"},
      &urm_from_reference_config,
  };
  return urm;
}

URMBlock::URMBlock(TensorRegistry& reg, const std::string& name, const BlockShape& shape, ConvPrecision precision,
                   torch::ScalarType dtype)
    : self_attn_(reg, name + ".self_attn", shape.hidden_size, shape.num_heads, shape.flash_attention),
      mlp_(reg, name + ".mlp", shape.hidden_size, shape.expansion, precision, dtype),
      eps_(shape.rms_norm_eps) {}

torch::Tensor URMBlock::forward(const torch::Tensor& u, const RotaryEmbedding* rope) const {
  const torch::Tensor h = add_rms_norm(u, self_attn_.forward(u, rope), eps_);
  return add_rms_norm(h, mlp_.forward(h), eps_);
}

URM::URM(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype, torch::Device device,
         uint64_t init_seed)
    : RecursiveModel(arch, shape, puzzle_embedding_slots(arch), dtype, device, init_seed) {
  const ConvPrecision precision = parse_conv_precision(arch.conv_dtype);
  layers_.reserve(arch.L_layers);
  for (int64_t i = 0; i < arch.L_layers; ++i)
    layers_.emplace_back(tensors_, std::string(kPrefix) + "layers." + std::to_string(i), block_shape(), precision,
                         dtype);
  finish_init({{"current_hidden", "init_hidden"}});
}

torch::Tensor URM::inner_loop(const torch::Tensor& h, const torch::Tensor& x) const {
  torch::Tensor u = h + x;
  for (const URMBlock& layer : layers_) u = layer.forward(u, rotary());
  return u;
}

std::vector<torch::Tensor> URM::recursion(std::vector<torch::Tensor> state, const torch::Tensor& x) const {
  torch::Tensor h = state[0];
  {
    torch::NoGradGuard no_grad;
    for (int64_t i = 0; i < (arch_.H_cycles - 1) * arch_.L_cycles; ++i) h = inner_loop(h, x);
  }
  for (int64_t i = 0; i < arch_.L_cycles; ++i) h = inner_loop(h, x);
  return {h};
}

}  // namespace recur::trainer
