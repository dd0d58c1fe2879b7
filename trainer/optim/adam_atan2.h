// AdamATan2 (Everett et al. 2024, "Scaling Exponents Across Parameterizations and
// Optimizers"; the reference uses the `adam-atan2` package's fused CUDA kernel).
//
// Adam with the division m / (sqrt(v) + eps) replaced by atan2(m, sqrt(v)): no epsilon,
// bounded updates, scale-invariant. Per element, at step t (counted from 1):
//   p <- p (1 - lr wd)                         decoupled decay, scaled by lr, first
//   m <- lerp(m, g, 1 - b1);  v <- v b2 + (1 - b2) g^2
//   p <- p - lr / (1 - b1^t) * atan2(m, sqrt(v) / sqrt(1 - b2^t))
// Same op order as the package's reference implementation (adam_atan2_test.py), so
// float32 results match it to the last bit or two. Covers every parameter, with no
// exclusions (the models have no norm weights; biases and embeddings are decayed too).
// The update is elementwise, so it runs once per flat buffer (flat_buffers.h) of
// parameters, gradients and moments: a handful of ATen ops over all the weights,
// on any device, instead of a handful per tensor. The moments' per-parameter slices
// are what the trainer saves by name. There is one buffer per dtype, and the moments
// are in their buffer's dtype: bf16 parameters (URM's conv) are updated in fp32 and
// rounded back with their moments, as the reference kernel does.
#pragma once

#include <string>
#include <vector>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"
#include "trainer/optim/dense_optimizer.h"
#include "trainer/optim/flat_buffers.h"

namespace recur::trainer {

struct AdamATan2Options {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double weight_decay = 0.1;
};

// One update of one tensor (or flat buffer) at step t (>= 1), in place, in its own dtype.
void adam_atan2_update(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& exp_avg,
                       torch::Tensor& exp_avg_sq, double lr, int64_t t, const AdamATan2Options& opt);

class AdamATan2 final : public DenseOptimizer {
 public:
  // `params`: the parameters' flat buffers; `grad_buffers`: their gradients', of the same
  // layout (distributed::FlatGradients of the same parameters in the same order).
  AdamATan2(const FlatBuffers& params, std::vector<torch::Tensor> grad_buffers, const AdamATan2Options& options);

  void step(double lr) override;

  int64_t steps_taken() const { return step_; }
  // "step" (int64 scalar), "exp_avg/<param name>", "exp_avg_sq/<param name>".
  NamedTensors state() const override;
  void load_state(const NamedTensors& state, const std::string& where) override;

 private:
  FlatBuffers params_;
  std::vector<torch::Tensor> grads_;
  FlatBuffers exp_avg_;
  FlatBuffers exp_avg_sq_;
  AdamATan2Options options_;
  int64_t step_ = 0;
};

}  // namespace recur::trainer
