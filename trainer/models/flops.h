// Model FLOPs of one training step: the counting rules and the parts each
// architecture's count (architecture.h) is made of.
//
// MFU compares what the model needs with what the hardware can do, so the count is
// the model's own arithmetic, not what the kernels happen to execute: every matmul
// of every recursion (q|k|v, q k^T, attention x v, o, gate|up, down, the mlp_t
// token MLP, the LM head over all S positions as the model computes it, the Q head),
// 2 FLOPs per multiply-add. Elementwise work
// (norms, activations, RoPE, softmax, optimizer) is not counted, as is usual for MFU.
//
// A supervision step runs some forwards without gradient and one with it; backward
// costs 2x the forward it goes through (input and weight gradients).
#pragma once

#include <cstdint>

#include "trainer/models/reasoning_block.h"

namespace recur::trainer {

struct StepFlops {
  double forward_no_grad = 0;  // forwards whose activations are not kept (incl. HRM's target forward)
  double forward_grad = 0;     // the forward that backward goes through (last recursion + heads)
  double backward = 0;         // 2 x forward_grad
  double supervision_forward = 0;  // one whole supervision step forward (every call, heads)
  double total() const { return forward_no_grad + forward_grad + backward; }
  // Evaluating the same batch: every one of halt_max_steps supervision steps forward,
  // without gradient, backward or Q-learning target.
  double eval_batch(int64_t halt_max_steps) const {
    return static_cast<double>(halt_max_steps) * supervision_forward;
  }
};

// A step whose whole forward (every call, heads included) costs `whole_forward`, of
// which `forward_grad` is differentiated; `target_forward` adds one more gradient-free
// whole forward (the Q-learning target of HRM, and of TRM with no_ACT_continue off).
StepFlops step_flops(double whole_forward, double forward_grad, bool target_forward);

// A [rows, in] x [in, out] matmul: one multiply and one add per term.
double matmul_flops(double rows, double in, double out);

// One block ([batch, S, D] in and out, S = shape.seq_length) of the given shape.
double block_forward_flops(const BlockShape& shape, int64_t batch);

// The LM head over every position (the model slices the grid after the matmul) and
// the Q head on prefix slot 0.
double heads_flops(int64_t batch, int64_t state_length, int64_t hidden_size, int64_t vocab_size);

}  // namespace recur::trainer
