// `recur --version`: what this binary is built from and with.
#pragma once

#include <string>

namespace recur::trainer {

// e.g. "recur 1a2b3c4d5e6f (LibTorch 1.13.0, NCCL no)"
std::string version_string();

}  // namespace recur::trainer
