// Parameter EMA (see ema.h).
#include "trainer/optim/ema.h"

namespace recur::trainer {

Ema::Ema(const FlatBuffers& params, double rate) : params_(params), shadow_(params.clone("")), rate_(rate) {}

void Ema::update() {
  torch::NoGradGuard no_grad;
  for (size_t b = 0; b < shadow_.buffers().size(); ++b) {
    // (1 - rate) p and rate shadow are rounded separately, then added, as the reference does.
    torch::Tensor shadow = shadow_.buffers()[b];
    const torch::Tensor& param = params_.buffers()[b];
    if (shadow.scalar_type() == torch::kBFloat16) {
      // Each op in fp32 with the rate in fp32, rounded once to bf16 (LibTorch's CPU kernels
      // would round the rate to bf16 first: 0.999 -> 1): the shadow moves only by increments
      // above half an ulp, as in the reference's bf16 arithmetic.
      const auto f32 = torch::kFloat32, bf16 = torch::kBFloat16;
      const torch::Tensor scaled_param = (param.to(f32) * (1.0 - rate_)).to(bf16);
      const torch::Tensor scaled_shadow = (shadow.to(f32) * rate_).to(bf16);
      shadow.copy_(scaled_param.to(f32) + scaled_shadow.to(f32));
      continue;
    }
    const torch::Tensor scaled_param = param * (1.0 - rate_);
    shadow.mul_(rate_).add_(scaled_param);
  }
}

void Ema::load_state(const NamedTensors& shadow, const std::string& where) {
  copy_named_into(shadow_.slices(), shadow, where);
}

}  // namespace recur::trainer
