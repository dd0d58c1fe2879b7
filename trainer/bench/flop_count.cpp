// Architecture FLOP count (see flop_count.h).
#include "trainer/bench/flop_count.h"

#include "trainer/models/swiglu.h"

namespace recur::trainer {
namespace {

// A [rows, in] x [in, out] matmul: one multiply and one add per term.
double matmul(double rows, double in, double out) { return 2.0 * rows * in * out; }

// SwiGLU over width h on `rows` rows: gate|up (h -> 2 inter), down (inter -> h).
double swiglu_flops(double rows, int64_t h, double expansion) {
  const double inter = static_cast<double>(swiglu_intermediate_size(h, expansion));
  return matmul(rows, h, 2 * inter) + matmul(rows, inter, h);
}

// Non-causal attention on [batch, S, D]: q|k|v, q k^T and p v over all heads, o.
double attention_flops(double batch, double S, double D) {
  const double tokens = batch * S;
  return matmul(tokens, D, 3 * D) + 2 * matmul(batch * S, D, S) + matmul(tokens, D, D);
}

// LM head over every position (the model slices the grid after the matmul) and the
// Q head on prefix slot 0.
double heads_flops(double batch, double S, double D, double vocab) {
  return matmul(batch * S, D, vocab) + matmul(batch, D, 2);
}

}  // namespace

double block_forward_flops(const ArchConfig& arch, int64_t batch, int64_t state_length) {
  const double B = static_cast<double>(batch), S = static_cast<double>(state_length);
  const int64_t D = arch.hidden_size;
  // mlp_t: a SwiGLU over the sequence axis, one row per (sample, hidden unit).
  const double mixer = arch.mlp_t ? swiglu_flops(B * static_cast<double>(D), state_length, arch.expansion)
                                  : attention_flops(B, S, static_cast<double>(D));
  return mixer + swiglu_flops(B * S, D, arch.expansion);
}

StepFlops train_step_flops(const ArchConfig& arch, int64_t vocab_size, int64_t state_length, int64_t batch) {
  const double block = block_forward_flops(arch, batch, state_length);
  const double heads = heads_flops(static_cast<double>(batch), static_cast<double>(state_length),
                                   static_cast<double>(arch.hidden_size), static_cast<double>(vocab_size));
  const double T = static_cast<double>(arch.H_cycles), n = static_cast<double>(arch.L_cycles);
  const double L_call = static_cast<double>(arch.L_layers) * block;

  StepFlops f;
  double whole_forward = 0;  // every call of one supervision step, heads included
  if (arch.name == "hrm") {
    const double H_call = static_cast<double>(arch.H_layers) * block;
    f.forward_grad = L_call + H_call + heads;
    whole_forward = T * n * L_call + T * H_call + heads;
  } else {
    f.forward_grad = (n + 1) * L_call + heads;
    whole_forward = T * (n + 1) * L_call + heads;
  }
  f.forward_no_grad = whole_forward - f.forward_grad;
  // The Q-learning target: one more gradient-free supervision step (HRM always; TRM
  // only with no_ACT_continue off), skipped when a slot can never continue.
  const bool target_forward = (arch.name == "hrm" || !arch.no_ACT_continue) && arch.halt_max_steps > 1;
  if (target_forward) f.forward_no_grad += whole_forward;
  f.backward = 2 * f.forward_grad;
  return f;
}

}  // namespace recur::trainer
