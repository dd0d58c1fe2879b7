// Building a model from the config: the one place that picks TRM or HRM, resolves the
// forward dtype and checks the architecture keys before any tensor is allocated.
#pragma once

#include <memory>
#include <string>

#include "common/libtorch.h"
#include "trainer/config/config.h"
#include "trainer/models/act.h"

namespace recur::trainer {

// "float32" | "bfloat16" | "auto" (float32 on CPU, where bf16 matmuls are slow without
// AVX512-BF16; bfloat16 on CUDA, as the reference trains). Anything else is an InputError.
torch::ScalarType resolve_forward_dtype(const std::string& name, torch::Device device);

// The ACT model for `arch` (arch.name "trm" or "hrm") and the dataset's shape, with the
// reference's init drawn from a CPU generator seeded with `init_seed` and moved to `device`.
// Invalid architecture keys are InputErrors naming the key.
std::unique_ptr<ActModel> make_model(const ArchConfig& arch, const ModelShape& shape, torch::Device device,
                                     uint64_t init_seed);

}  // namespace recur::trainer
