// RMSNorm without a learnable scale (the reference's post-norm blocks have none).
//
// y = x / sqrt(mean(x^2, last axis) + eps), computed in fp32 and cast back to the
// input dtype. The last axis is the hidden axis, except in TRM's mlp_t block, which
// normalises the transposed activations over the sequence axis (see reasoning_block.h).
#pragma once

#include "common/libtorch.h"

namespace recur::trainer {

torch::Tensor rms_norm(const torch::Tensor& x, double eps);

}  // namespace recur::trainer
