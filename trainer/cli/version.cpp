// Version string: git sha from configure time, LibTorch from its headers,
// NCCL from whether the NCCL communicator was compiled in.
#include "trainer/cli/version.h"

#include <torch/version.h>

namespace recur::trainer {

std::string version_string() {
#ifdef RECUR_HAVE_NCCL
  const char* nccl = "yes";
#else
  const char* nccl = "no";
#endif
  return std::string("recur ") + RECUR_GIT_SHA + " (LibTorch " + TORCH_VERSION + ", NCCL " + nccl + ")";
}

}  // namespace recur::trainer
