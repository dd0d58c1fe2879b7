// AdamATan2 (see adam_atan2.h).
#include "trainer/optim/adam_atan2.h"

#include <cmath>

#include "common/error.h"

namespace recur::trainer {

void adam_atan2_update(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& exp_avg,
                       torch::Tensor& exp_avg_sq, double lr, int64_t t, const AdamATan2Options& opt) {
  torch::NoGradGuard no_grad;
  if (param.scalar_type() == torch::kBFloat16) {
    // As the reference kernel: computed in fp32, the parameter and both moments (kept in the
    // parameter's dtype) rounded back to bf16, so an update below half an ulp is lost.
    torch::Tensor p = param.to(torch::kFloat32), m = exp_avg.to(torch::kFloat32), v = exp_avg_sq.to(torch::kFloat32);
    adam_atan2_update(p, grad.to(torch::kFloat32), m, v, lr, t, opt);
    param.copy_(p);
    exp_avg.copy_(m);
    exp_avg_sq.copy_(v);
    return;
  }
  const double step_size = lr / (1 - std::pow(opt.beta1, static_cast<double>(t)));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(opt.beta2, static_cast<double>(t)));
  param.mul_(1 - lr * opt.weight_decay);
  exp_avg.lerp_(grad, 1 - opt.beta1);
  exp_avg_sq.mul_(opt.beta2).addcmul_(grad, grad, 1 - opt.beta2);
  const torch::Tensor denom = exp_avg_sq.sqrt() / bias_correction2_sqrt;
  param.add_(torch::atan2(exp_avg, denom), -step_size);
}

AdamATan2::AdamATan2(const FlatBuffers& params, std::vector<torch::Tensor> grad_buffers,
                     const AdamATan2Options& options)
    : params_(params),
      grads_(std::move(grad_buffers)),
      exp_avg_(params.zeros_like("exp_avg/")),
      exp_avg_sq_(params.zeros_like("exp_avg_sq/")),
      options_(options) {
  params_.check_gradient_layout(grads_);
}

void AdamATan2::step(double lr) {
  // A .grad replaced since construction would be skipped silently: the shared step count
  // relies on every parameter getting its gradient every step.
  params_.check_gradient_layout(grads_);
  ++step_;
  for (size_t b = 0; b < grads_.size(); ++b) {
    torch::Tensor param = params_.buffers()[b], exp_avg = exp_avg_.buffers()[b],
                  exp_avg_sq = exp_avg_sq_.buffers()[b];
    adam_atan2_update(param, grads_[b], exp_avg, exp_avg_sq, lr, step_, options_);
  }
}

NamedTensors AdamATan2::state() const {
  NamedTensors out{{"step", torch::tensor(step_, torch::kInt64)}};
  out.insert(out.end(), exp_avg_.slices().begin(), exp_avg_.slices().end());
  out.insert(out.end(), exp_avg_sq_.slices().begin(), exp_avg_sq_.slices().end());
  return out;
}

void AdamATan2::load_state(const NamedTensors& state, const std::string& where) {
  const torch::Tensor step = find_named(state, "step");
  if (!step.defined() || step.numel() != 1) throw InputError(where, "optimizer state has no scalar 'step'");
  NamedTensors moments = exp_avg_.slices();
  moments.insert(moments.end(), exp_avg_sq_.slices().begin(), exp_avg_sq_.slices().end());
  NamedTensors source;
  for (const auto& entry : state)
    if (entry.first != "step") source.push_back(entry);
  copy_named_into(moments, source, where);
  step_ = step.item<int64_t>();
}

}  // namespace recur::trainer
