// Model FLOP counting (see flops.h).
#include "trainer/models/flops.h"

#include "trainer/models/swiglu.h"

namespace recur::trainer {
namespace {

// SwiGLU over width h on `rows` rows: gate|up (h -> 2 inter), down (inter -> h).
double swiglu_flops(double rows, int64_t h, double expansion) {
  const double inter = static_cast<double>(swiglu_intermediate_size(h, expansion));
  return matmul_flops(rows, h, 2 * inter) + matmul_flops(rows, inter, h);
}

// Non-causal attention on [batch, S, D]: q|k|v, q k^T and p v over all heads, o.
double attention_flops(double batch, double S, double D) {
  const double tokens = batch * S;
  return matmul_flops(tokens, D, 3 * D) + 2 * matmul_flops(batch * S, D, S) + matmul_flops(tokens, D, D);
}

}  // namespace

StepFlops step_flops(double whole_forward, double forward_grad, bool target_forward) {
  StepFlops f;
  f.forward_grad = forward_grad;
  f.forward_no_grad = whole_forward - forward_grad + (target_forward ? whole_forward : 0.0);
  f.backward = 2 * forward_grad;
  f.supervision_forward = whole_forward;
  return f;
}

double matmul_flops(double rows, double in, double out) { return 2.0 * rows * in * out; }

double block_forward_flops(const BlockShape& shape, int64_t batch) {
  const double B = static_cast<double>(batch), S = static_cast<double>(shape.seq_length);
  const int64_t D = shape.hidden_size;
  // mlp_t: a SwiGLU over the sequence axis, one row per (sample, hidden unit).
  const double mixer = shape.mlp_t ? swiglu_flops(B * static_cast<double>(D), shape.seq_length, shape.expansion)
                                   : attention_flops(B, S, static_cast<double>(D));
  return mixer + swiglu_flops(B * S, D, shape.expansion);
}

double heads_flops(int64_t batch, int64_t state_length, int64_t hidden_size, int64_t vocab_size) {
  const double B = static_cast<double>(batch), D = static_cast<double>(hidden_size);
  return matmul_flops(B * static_cast<double>(state_length), D, static_cast<double>(vocab_size)) +
         matmul_flops(B, D, 2);
}

}  // namespace recur::trainer
