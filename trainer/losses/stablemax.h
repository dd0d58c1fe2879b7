// Token losses of the reference: stablemax cross-entropy (the default) and softmax CE.
//
// Stablemax replaces exp in softmax by s(x) = x + 1 for x >= 0 and 1 / (1 - x) for
// x < 0 (Prieto et al. 2025, "Grokking at the edge of numerical stability"); it does
// not saturate the way softmax does. The reference computes it in float64, and so do
// we: the loss is the only float64 computation of a step. Labels equal to -100 are
// ignored (loss 0 there, written -0.0 like the reference); no reduction.
#pragma once

#include "common/libtorch.h"

namespace recur::trainer {

constexpr int64_t kIgnoreLabel = -100;

// log(s(x) / sum s(x)) along `dim`, in the dtype of `x`.
torch::Tensor log_stablemax(const torch::Tensor& x, int64_t dim = -1);

// Per-token -log p[label] with stablemax over the last axis of `logits` (any float dtype,
// computed in float64). logits [..., V], labels int [...]; returns float64 [...].
torch::Tensor stablemax_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels);

// Per-token softmax cross-entropy in float32; returns float32 [...].
torch::Tensor softmax_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace recur::trainer
