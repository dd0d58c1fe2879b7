// Building a model from a validated config: the architecture's descriptor
// (architecture.h) builds it, in the resolved forward dtype, for the dataset's shape.
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

// The ACT model for `arch` and the dataset's shape, with the reference's init drawn from a
// CPU generator seeded with `init_seed` and moved to `device`. The config's keys are
// checked once, where it is made (validate_config, verify-golden); a dataset shape that
// cannot hold a model is an InputError naming the dataset.
std::unique_ptr<ActModel> make_model(const ArchConfig& arch, const ModelShape& shape, torch::Device device,
                                     uint64_t init_seed);

}  // namespace recur::trainer
