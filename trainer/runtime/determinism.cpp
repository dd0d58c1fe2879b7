// Deterministic kernels (see determinism.h).
#include "trainer/runtime/determinism.h"

#include <ATen/Context.h>

#include <cstdlib>

namespace recur::trainer {

void apply_determinism(bool deterministic) {
  if (!deterministic) return;
  setenv("CUBLAS_WORKSPACE_CONFIG", ":4096:8", /*overwrite=*/0);
  at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/false);
  at::globalContext().setBenchmarkCuDNN(false);
}

}  // namespace recur::trainer
