// Model FLOPs of one training step, counted from the architecture.
//
// MFU compares what the model needs with what the hardware can do, so the count is
// the model's own arithmetic, not what the kernels happen to execute: every matmul
// of every recursion (q|k|v, q k^T, attention x v, o, gate|up, down, the mlp_t
// token MLP, the LM head over all S positions as the model computes it, the Q head),
// 2 FLOPs per multiply-add. Elementwise work (norms, activations, RoPE, softmax,
// optimizer) is not counted, as is usual for MFU.
//
// A TRM supervision step runs T = H_cycles recursions of n + 1 = L_cycles + 1 calls
// of the network; only the last recursion (and the heads) carries a gradient, and
// its backward costs 2x its forward (input and weight gradients). HRM runs
// H_cycles * L_cycles L-module calls and H_cycles H-module calls with the gradient
// on the last of each, and in training a second, gradient-free forward for the
// Q-learning target (act.h).
#pragma once

#include <cstdint>

#include "trainer/config/config.h"

namespace recur::trainer {

struct StepFlops {
  double forward_no_grad = 0;  // forwards whose activations are not kept (incl. HRM's target forward)
  double forward_grad = 0;     // the forward that backward goes through (last recursion + heads)
  double backward = 0;         // 2 x forward_grad
  double total() const { return forward_no_grad + forward_grad + backward; }
};

// FLOPs of one reasoning block ([batch, S, D] in and out) for the model's block shape.
double block_forward_flops(const ArchConfig& arch, int64_t batch, int64_t state_length);

// FLOPs of one training step (one supervision step of `batch` samples, training mode)
// on states of `state_length` = S positions (grid + puzzle prefix: the model's
// RecursiveModel::state_length()).
StepFlops train_step_flops(const ArchConfig& arch, int64_t vocab_size, int64_t state_length, int64_t batch);

}  // namespace recur::trainer
