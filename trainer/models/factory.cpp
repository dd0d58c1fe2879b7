// Model construction and architecture checks (see factory.h).
#include "trainer/models/factory.h"

#include "common/error.h"
#include "trainer/models/hrm.h"
#include "trainer/models/trm.h"

namespace recur::trainer {
namespace {

void require(bool ok, const std::string& key, const std::string& what) {
  if (!ok) throw InputError(key, what);
}

void check_arch(const ArchConfig& a, const ModelShape& s) {
  const bool trm = a.name == "trm";
  require(trm || a.name == "hrm", "arch.name", "must be trm or hrm, got '" + a.name + "'");
  require(a.hidden_size > 0, "arch.hidden_size", "must be positive");
  require(a.num_heads > 0 && a.hidden_size % a.num_heads == 0, "arch.num_heads", "must divide arch.hidden_size");
  require(a.expansion > 0, "arch.expansion", "must be positive");
  require(a.H_cycles >= 1, "arch.H_cycles", "must be at least 1");
  require(a.L_cycles >= 1, "arch.L_cycles", "must be at least 1");
  require(a.L_layers >= 1, "arch.L_layers", "must be at least 1");
  require(trm || a.H_layers >= 1, "arch.H_layers", "HRM needs at least 1 H layer");
  require(a.halt_max_steps >= 1, "arch.halt_max_steps", "must be at least 1");
  require(a.halt_exploration_prob >= 0 && a.halt_exploration_prob <= 1, "arch.halt_exploration_prob",
          "must be in [0, 1]");
  require(a.puzzle_emb_ndim >= 0, "arch.puzzle_emb_ndim", "must be >= 0");
  require(a.pos_encodings == "rope" || a.pos_encodings == "learned" || (trm && a.pos_encodings == "none"),
          "arch.pos_encodings", trm ? "must be rope, learned or none" : "HRM supports rope or learned");
  require(trm || !a.mlp_t, "arch.mlp_t", "is a TRM option; HRM always uses attention");
  if (trm) {
    require(a.puzzle_emb_len >= 0, "arch.puzzle_emb_len", "must be >= 0");
    require(a.puzzle_emb_len * a.hidden_size >= a.puzzle_emb_ndim, "arch.puzzle_emb_len",
            "prefix too short for arch.puzzle_emb_ndim values");
    require(a.puzzle_emb_ndim > 0 || a.puzzle_emb_len == 0, "arch.puzzle_emb_len",
            "must be 0 when arch.puzzle_emb_ndim is 0 (there is no puzzle prefix)");
  }
  require(s.vocab_size > 0 && s.seq_len > 0, "dataset", "vocab_size and seq_len must be positive");
  require(a.puzzle_emb_ndim == 0 || s.num_puzzle_identifiers > 0, "dataset",
          "num_puzzle_identifiers must be positive");
}

}  // namespace

torch::ScalarType resolve_forward_dtype(const std::string& name, torch::Device device) {
  if (name == "float32") return torch::kFloat32;
  if (name == "bfloat16") return torch::kBFloat16;
  if (name == "auto") return device.is_cuda() ? torch::kBFloat16 : torch::kFloat32;
  throw InputError("arch.forward_dtype", "must be auto, float32 or bfloat16, got '" + name + "'");
}

std::unique_ptr<ActModel> make_model(const ArchConfig& arch, const ModelShape& shape, torch::Device device,
                                     uint64_t init_seed) {
  check_arch(arch, shape);
  const torch::ScalarType dtype = resolve_forward_dtype(arch.forward_dtype, device);
  ActConfig act;
  act.halt_max_steps = arch.halt_max_steps;
  act.halt_exploration_prob = arch.halt_exploration_prob;
  std::unique_ptr<RecursiveModel> inner;
  if (arch.name == "trm") {
    inner = std::make_unique<TRM>(arch, shape, dtype, device, init_seed);
    act.q_continue_halting = !arch.no_ACT_continue;
  } else {
    inner = std::make_unique<HRM>(arch, shape, dtype, device, init_seed);
    act.q_continue_halting = true;  // HRM always learns q_continue
  }
  return std::make_unique<ActModel>(std::move(inner), act);
}

}  // namespace recur::trainer
