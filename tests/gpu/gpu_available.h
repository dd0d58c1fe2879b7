// Whether this process has a working CUDA GPU, for the GPU checks (gpu_tests).
//
// Every GPU check starts with RECUR_GPU_OR_SKIP(): without a GPU the test skips
// with the reason, so the suite passes on CPU machines and in CI; with
// RECUR_REQUIRE_GPU=1 (scripts/gpu/run.sh on the GPU machine) the same reason
// fails the test, so a GPU that is missing or broken cannot pass as skipped.
#pragma once

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <cstdlib>
#include <string>

#include "common/libtorch.h"

namespace recur::testing {

// Empty when a small computation on cuda:0 gives the right answer, else why not.
inline std::string gpu_unavailable_reason() {
  if (!torch::cuda::is_available()) return "no CUDA device usable by LibTorch (CPU-only LibTorch or no GPU)";
  try {
    const torch::Tensor t = torch::arange(1000, torch::TensorOptions(torch::kFloat32).device(torch::kCUDA));
    if (t.sum().item<float>() != 499500.0f) return "cuda:0 computes a wrong sum";
  } catch (const std::exception& e) {
    return std::string("cuda:0 does not work: ") + e.what();
  }
  return "";
}

inline bool gpu_required() {
  const char* v = std::getenv("RECUR_REQUIRE_GPU");
  return v && std::string(v) == "1";
}

}  // namespace recur::testing

#define RECUR_GPU_OR_SKIP()                                             \
  do {                                                                  \
    const std::string gpu_reason = recur::testing::gpu_unavailable_reason(); \
    if (!gpu_reason.empty()) {                                          \
      if (recur::testing::gpu_required()) FAIL() << gpu_reason;         \
      GTEST_SKIP() << gpu_reason;                                       \
    }                                                                   \
  } while (0)
