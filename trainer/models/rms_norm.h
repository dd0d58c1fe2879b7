// RMSNorm without a learnable scale (the reference's post-norm blocks have none).
//
// y = x / sqrt(mean(x^2, last axis) + eps), computed in fp32 and cast back to the
// input dtype. The last axis is the hidden axis, except in TRM's mlp_t block, which
// normalises the transposed activations over the sequence axis (see reasoning_block.h).
//
// Every norm of a block normalises a residual sum, so add_rms_norm(r, u) is the one the
// model calls: on CPU float32 it is one fused kernel each way (the sum, the row's
// sum of squares and the scaling in one pass over a row; the backward from the saved
// output and 1/rms), in place of the dozen ATen ops and temporaries of the composite,
// which it matches to float32 rounding (the sum of squares is added in another order).
// Elsewhere (bf16, CUDA, strided inputs) it is the composite rms_norm(r + u).
#pragma once

#include "common/libtorch.h"

namespace recur::trainer {

// The composite (ATen ops, any dtype and device).
torch::Tensor rms_norm(const torch::Tensor& x, double eps);

// rms_norm(residual + update, eps), differentiable in both.
torch::Tensor add_rms_norm(const torch::Tensor& residual, const torch::Tensor& update, double eps);

}  // namespace recur::trainer
