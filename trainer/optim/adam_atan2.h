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
// State (exp_avg, exp_avg_sq, step) is held in plain tensors the trainer saves by name.
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"

namespace recur::trainer {

struct AdamATan2Options {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double weight_decay = 0.1;
};

// One update of one tensor at step t (>= 1), in place, in the tensor's own dtype.
void adam_atan2_update(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& exp_avg,
                       torch::Tensor& exp_avg_sq, double lr, int64_t t, const AdamATan2Options& opt);

class AdamATan2 {
 public:
  AdamATan2(NamedTensors params, const AdamATan2Options& options);

  // One step on every parameter from its .grad() (every parameter must have one).
  void step(double lr);
  // Sets every parameter's gradient to undefined (the reference's zero_grad(set_to_none)).
  void zero_grad();

  int64_t steps_taken() const { return step_; }
  // "step" (int64 scalar), "exp_avg/<param name>", "exp_avg_sq/<param name>".
  NamedTensors state() const;
  // Restores state(); a missing tensor or shape mismatch is an InputError naming `where`.
  void load_state(const NamedTensors& state, const std::string& where);

 private:
  NamedTensors params_;
  NamedTensors exp_avg_;
  NamedTensors exp_avg_sq_;
  AdamATan2Options options_;
  int64_t step_ = 0;
};

}  // namespace recur::trainer
