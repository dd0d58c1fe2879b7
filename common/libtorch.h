// The part of LibTorch recur uses: tensors and their factories, dtypes and
// devices, autograd, no-grad guards, seeds and thread counts.
//
// Every file includes this instead of <torch/torch.h>, which adds torch::nn,
// torch::optim, torch::data and the JIT: with LibTorch 2.13 and GCC 12 a
// translation unit costs ~4.5 s of compile time with these headers and ~14 s
// with <torch/torch.h>, even precompiled, because GCC instantiates and emits
// every inline function of what it included. The few files that need more
// (CUDA, serialisation) include those headers themselves.
#pragma once

#include <torch/csrc/autograd/autograd.h>
#include <torch/types.h>
#include <torch/utils.h>
