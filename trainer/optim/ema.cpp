// Parameter EMA (see ema.h).
#include "trainer/optim/ema.h"

namespace recur::trainer {

Ema::Ema(const FlatBuffers& params, double rate) : params_(params), shadow_(params.clone("")), rate_(rate) {}

void Ema::update() {
  torch::NoGradGuard no_grad;
  for (size_t b = 0; b < shadow_.buffers().size(); ++b) {
    // (1 - rate) p and rate shadow are rounded separately, then added, as the reference does.
    const torch::Tensor scaled_param = params_.buffers()[b] * (1.0 - rate_);
    shadow_.buffers()[b].mul_(rate_).add_(scaled_param);
  }
}

void Ema::load_state(const NamedTensors& shadow, const std::string& where) {
  copy_named_into(shadow_.slices(), shadow, where);
}

}  // namespace recur::trainer
