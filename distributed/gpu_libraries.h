// Versions of the GPU libraries this process runs with, for `recur --version`
// and run logs: read from the loaded libraries, not from the headers, so a
// mismatched LD_LIBRARY_PATH shows. Empty strings when recur is built without
// NCCL (the CUDA runtime is then whatever LibTorch links, if any).
#pragma once

#include <string>

namespace recur::distributed {

std::string nccl_version();          // "2.30.7"
std::string cuda_runtime_version();  // "13.0"

}  // namespace recur::distributed
