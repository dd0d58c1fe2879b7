// Half-precision GEMMs summed in fp32, as the reference's are.
//
// A bf16 matmul of the reference (PyTorch 2.x, on CPU and CUDA) multiplies bf16 values,
// sums the products in fp32 and rounds the result once to bf16. LibTorch 2.x does the
// same, so there these are the plain ops. LibTorch 1.13's CPU kernels do not when an
// operand is transposed or batched: they sum in bf16 (measured against the fp32-summed
// product: 8-19% of the outputs equal, errors up to 4.6%, for attention's q k^T and
// p v and for every weight gradient g^T x). On 1.13 a half-precision product is
// therefore formed in fp32 between explicit casts: products of bf16 values are exact
// in fp32, the sum is fp32, and the casts round once, forward and backward alike.
#pragma once

#include <torch/version.h>

#include "common/libtorch.h"

namespace recur::trainer {

// True where a product in `dtype` must be formed in fp32 (LibTorch 1.13, half types).
inline bool needs_fp32_sums(torch::ScalarType dtype) {
#if TORCH_VERSION_MAJOR >= 2
  (void)dtype;
  return false;
#else
  return dtype == torch::kBFloat16 || dtype == torch::kHalf;
#endif
}

// torch::matmul(a, b) with fp32 sums, in a's dtype.
inline torch::Tensor matmul_fp32_sums(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::ScalarType dtype = a.scalar_type();
  if (!needs_fp32_sums(dtype)) return torch::matmul(a, b);
  return torch::matmul(a.to(torch::kFloat32), b.to(torch::kFloat32)).to(dtype);
}

// torch::linear(x, w, bias) with fp32 sums, in x's dtype; w and bias already in it.
inline torch::Tensor linear_fp32_sums(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& bias) {
  const torch::ScalarType dtype = x.scalar_type();
  if (!needs_fp32_sums(dtype)) return torch::linear(x, w, bias);
  const auto f32 = torch::kFloat32;
  return torch::linear(x.to(f32), w.to(f32), bias.defined() ? bias.to(f32) : torch::Tensor()).to(dtype);
}

}  // namespace recur::trainer
