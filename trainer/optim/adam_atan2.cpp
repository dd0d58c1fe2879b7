// AdamATan2 (see adam_atan2.h).
#include "trainer/optim/adam_atan2.h"

#include <cmath>
#include <stdexcept>

#include "common/error.h"

namespace recur::trainer {

void adam_atan2_update(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& exp_avg,
                       torch::Tensor& exp_avg_sq, double lr, int64_t t, const AdamATan2Options& opt) {
  torch::NoGradGuard no_grad;
  const double step_size = lr / (1 - std::pow(opt.beta1, static_cast<double>(t)));
  const double bias_correction2_sqrt = std::sqrt(1 - std::pow(opt.beta2, static_cast<double>(t)));
  param.mul_(1 - lr * opt.weight_decay);
  exp_avg.lerp_(grad, 1 - opt.beta1);
  exp_avg_sq.mul_(opt.beta2).addcmul_(grad, grad, 1 - opt.beta2);
  const torch::Tensor denom = exp_avg_sq.sqrt() / bias_correction2_sqrt;
  param.add_(torch::atan2(exp_avg, denom), -step_size);
}

AdamATan2::AdamATan2(NamedTensors params, const AdamATan2Options& options)
    : params_(std::move(params)), options_(options) {
  for (const auto& [name, p] : params_) {
    exp_avg_.emplace_back("exp_avg/" + name, torch::zeros_like(p, torch::MemoryFormat::Contiguous));
    exp_avg_sq_.emplace_back("exp_avg_sq/" + name, torch::zeros_like(p, torch::MemoryFormat::Contiguous));
  }
}

void AdamATan2::step(double lr) {
  ++step_;
  for (size_t i = 0; i < params_.size(); ++i) {
    torch::Tensor& p = params_[i].second;
    const torch::Tensor& g = p.grad();
    // Every parameter of TRM/HRM gets a gradient every step; the one shared step count relies on it.
    if (!g.defined()) throw std::logic_error("AdamATan2: parameter " + params_[i].first + " has no gradient");
    adam_atan2_update(p, g, exp_avg_[i].second, exp_avg_sq_[i].second, lr, step_, options_);
  }
}

void AdamATan2::zero_grad() {
  for (auto& [name, p] : params_) p.mutable_grad() = torch::Tensor();
}

NamedTensors AdamATan2::state() const {
  NamedTensors out{{"step", torch::tensor(step_, torch::kInt64)}};
  out.insert(out.end(), exp_avg_.begin(), exp_avg_.end());
  out.insert(out.end(), exp_avg_sq_.begin(), exp_avg_sq_.end());
  return out;
}

void AdamATan2::load_state(const NamedTensors& state, const std::string& where) {
  const torch::Tensor step = find_named(state, "step");
  if (!step.defined() || step.numel() != 1) throw InputError(where, "optimizer state has no scalar 'step'");
  NamedTensors moments = exp_avg_;
  moments.insert(moments.end(), exp_avg_sq_.begin(), exp_avg_sq_.end());
  NamedTensors source;
  for (const auto& entry : state)
    if (entry.first != "step") source.push_back(entry);
  copy_named_into(moments, source, where);
  step_ = step.item<int64_t>();
}

}  // namespace recur::trainer
