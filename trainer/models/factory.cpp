// Model construction (see factory.h).
#include "trainer/models/factory.h"

#include "common/error.h"
#include "trainer/models/architecture.h"

namespace recur::trainer {

torch::ScalarType resolve_forward_dtype(const std::string& name, torch::Device device) {
  if (name == "float32") return torch::kFloat32;
  if (name == "bfloat16") return torch::kBFloat16;
  if (name == "auto") return device.is_cuda() ? torch::kBFloat16 : torch::kFloat32;
  throw InputError("arch.forward_dtype", "must be auto, float32 or bfloat16, got '" + name + "'");
}

std::unique_ptr<ActModel> make_model(const ArchConfig& arch, const ModelShape& shape, torch::Device device,
                                     uint64_t init_seed) {
  if (shape.vocab_size <= 0 || shape.seq_len <= 0)
    throw InputError("dataset", "vocab_size and seq_len must be positive");
  if (arch.puzzle_emb_ndim > 0 && shape.num_puzzle_identifiers <= 0)
    throw InputError("dataset", "num_puzzle_identifiers must be positive");
  return find_architecture(arch.name).build(arch, shape, resolve_forward_dtype(arch.forward_dtype, device), device,
                                            init_seed);
}

}  // namespace recur::trainer
