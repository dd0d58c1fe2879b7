// `recur --version`: what this binary is built from and with.
#pragma once

#include <string>

namespace recur::trainer {

// e.g. "recur 1a2b3c4d5e6f (LibTorch 2.14.1, CUDA 13.0, NCCL 2.30.7)" or
// "recur 1a2b3c4d5e6f (LibTorch 2.13.0, CPU only, no NCCL)"
std::string version_string();

}  // namespace recur::trainer
