// What differs between LibTorch versions for a c10::Allocator subclass.
#pragma once

#include <torch/version.h>

// LibTorch 2.3 made Allocator::allocate non-const.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define RECUR_ALLOCATE_CONST
#else
#define RECUR_ALLOCATE_CONST const
#endif
