// Muon as URM's ARC-AGI-2 recipe runs it (use_muon: true; reference: UbiquantAI/URM
// models/muon.py and the use_muon branch of pretrain.py:create_model).
//
// Every 2-D parameter (all linear weights, the token embedding and both heads included)
// goes to the Muon group, every other one (the Q-head bias, URM's 3-D conv weight and the
// conv biases) to the class's internal AdamW. Per step, at learning rate lr:
//   Muon:   b <- 0.95 b + g;   u = g + 0.95 b (Nesterov);   O = msign(bf16(u))
//           p <- p (1 - 0.1 lr);   p <- p - lr 0.2 sqrt(max(rows, cols)) O
//   AdamW:  t += 1 (one counter for the group);  m <- lerp(m, g, 0.1);  v <- lerp(v, g^2, 0.05)
//           p <- p (1 - 0.1 lr);   p <- p - lr sqrt(1 - 0.95^t) / (1 - 0.9^t) m / (1e-8 + sqrt v)
// msign: X = fp32(input), transposed if rows > cols, X / max(||X||_F, 1e-7), then five
// Newton-Schulz steps X <- a X + (b A + c A^2) X with A = X X^T, with the first five rows of
// the reference's 8-row table: NOT an orthogonalisation (singular values end in
// [0.455, 1.834], a rank-1 input at 1.603), but the update URM trains with.
// Betas, eps, decay 0.1, momentum and the 0.2 RMS match are constants of the reference,
// which ignores beta1, beta2 and weight_decay from the config when Muon is on.
// bf16 parameters (URM's conv) keep m and v in bf16, and every AdamW op computes in fp32
// with fp32 scalars and rounds once to bf16 (as the reference's CUDA kernels; LibTorch's CPU
// kernels would round the scalars to bf16 first), so updates below half an ulp are lost.
#pragma once

#include <string>
#include <vector>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"
#include "trainer/optim/dense_optimizer.h"
#include "trainer/optim/flat_buffers.h"

namespace recur::trainer {

// The msign stages of one input (golden: ns_trace/): X_0 after the transpose and the
// normalisation, then A, B = b A + c A A and X of each iteration; `output` transposed back.
struct MsignTrace {
  bool transposed = false;
  torch::Tensor norm;  // ||fp32(input)||_F before the 1e-7 floor
  torch::Tensor X0;
  std::vector<torch::Tensor> A, B, X;
  torch::Tensor output;
};

// The first five (a, b, c) of the reference's Newton-Schulz table (ns_steps = 5).
constexpr int kMuonNsSteps = 5;
extern const double kMuonNsCoefficients[kMuonNsSteps][3];

// msign of a 2-D tensor (URM's Newton-Schulz on fp32(input)); `trace` gets every stage.
torch::Tensor muon_msign(const torch::Tensor& input, MsignTrace* trace = nullptr);
// One Newton-Schulz iteration with coefficients (a, b, c): returns X, and A and B if given.
torch::Tensor muon_newton_schulz_step(const torch::Tensor& X, const double abc[3], torch::Tensor* A = nullptr,
                                      torch::Tensor* B = nullptr);

class Muon final : public DenseOptimizer {
 public:
  // `params`: the parameters' flat buffers; `grad_buffers`: their gradients', of the same
  // layout (distributed::FlatGradients of the same parameters in the same order). The
  // update is per matrix (msign), so Muon works on the buffers' per-parameter slices.
  Muon(const FlatBuffers& params, std::vector<torch::Tensor> grad_buffers);

  void step(double lr) override;

  // The group a parameter went to (by ndim == 2, as the reference splits).
  static bool in_muon_group(const torch::Tensor& p) { return p.dim() == 2; }

  // What msign received at the last step, bf16 (golden: ns_input), per Muon parameter.
  const NamedTensors& last_ns_inputs() const { return ns_inputs_; }
  // "adamw_step" (int64 scalar), "muon_buffer/<name>", "adamw_exp_avg/<name>", "adamw_exp_avg_sq/<name>".
  NamedTensors state() const override;
  void load_state(const NamedTensors& state, const std::string& where) override;

 private:
  void muon_update(torch::Tensor& p, const torch::Tensor& g, torch::Tensor& buffer, torch::Tensor& ns_input,
                   double lr) const;
  void adamw_update(torch::Tensor& p, const torch::Tensor& grad, torch::Tensor& m, torch::Tensor& v,
                    double lr) const;

  FlatBuffers params_;
  std::vector<torch::Tensor> grad_buffers_;
  NamedTensors muon_params_, adamw_params_;      // slices of params_
  std::vector<torch::Tensor> muon_grads_, adamw_grads_;  // the same slices of grad_buffers_
  NamedTensors buffers_;            // muon_buffer/<name>, fp32 like the parameter
  NamedTensors exp_avg_, exp_avg_sq_;  // adamw_exp_avg(_sq)/<name>, in the parameter's dtype
  NamedTensors ns_inputs_;
  int64_t adamw_step_ = 0;
};

}  // namespace recur::trainer
