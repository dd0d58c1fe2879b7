// Version string: git sha from configure time, LibTorch from its headers, the
// CUDA and NCCL versions of the libraries this process loaded (a CUDA build
// without NCCL names the toolkit it was built with).
#include "trainer/cli/version.h"

#include <torch/version.h>

#include "distributed/gpu_libraries.h"

namespace recur::trainer {

std::string version_string() {
  std::string cuda = "CPU only";
#ifdef RECUR_TORCH_CUDA
  const std::string runtime = distributed::cuda_runtime_version();
  cuda = "CUDA " + (runtime.empty() ? std::string(RECUR_CUDA_VERSION) : runtime);
#endif
  const std::string nccl = distributed::nccl_version();
  return std::string("recur ") + RECUR_GIT_SHA + " (LibTorch " + TORCH_VERSION + ", " + cuda + ", " +
         (nccl.empty() ? "no NCCL" : "NCCL " + nccl) + ")";
}

}  // namespace recur::trainer
