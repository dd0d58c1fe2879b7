// GPU library versions (see gpu_libraries.h).
#include "distributed/gpu_libraries.h"

#ifdef RECUR_HAVE_NCCL
#include <cuda_runtime_api.h>
#include <nccl.h>
#endif

namespace recur::distributed {

#ifdef RECUR_HAVE_NCCL
// NCCL encodes 2.30.7 as 23007 (major * 10000 + minor * 100 + patch since 2.9).
std::string nccl_version() {
  int code = 0;
  if (ncclGetVersion(&code) != ncclSuccess) return "unknown";
  return std::to_string(code / 10000) + "." + std::to_string(code / 100 % 100) + "." + std::to_string(code % 100);
}

// The runtime encodes 13.0 as 13000; asking needs no GPU.
std::string cuda_runtime_version() {
  int code = 0;
  if (cudaRuntimeGetVersion(&code) != cudaSuccess) return "unknown";
  return std::to_string(code / 1000) + "." + std::to_string(code / 10 % 100);
}
#else
std::string nccl_version() { return ""; }
std::string cuda_runtime_version() { return ""; }
#endif

}  // namespace recur::distributed
