// Parameter EMA (see ema.h).
#include "trainer/optim/ema.h"

namespace recur::trainer {

Ema::Ema(const NamedTensors& params, double rate) : rate_(rate) {
  for (const auto& [name, p] : params) shadow_.emplace_back(name, p.detach().clone());
}

void Ema::update(const NamedTensors& params) {
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < shadow_.size(); ++i) {
    // (1 - rate) p and rate shadow are rounded separately, then added, as the reference does.
    const torch::Tensor scaled_param = params[i].second * (1.0 - rate_);
    shadow_[i].second.mul_(rate_).add_(scaled_param);
  }
}

void Ema::load_state(const NamedTensors& shadow, const std::string& where) {
  copy_named_into(shadow_, shadow, where);
}

}  // namespace recur::trainer
