// Weightless RMSNorm (see rms_norm.h).
#include "trainer/models/rms_norm.h"

namespace recur::trainer {

torch::Tensor rms_norm(const torch::Tensor& x, double eps) {
  const torch::Tensor xf = x.to(torch::kFloat32);
  const torch::Tensor variance = xf.square().mean(-1, /*keepdim=*/true);
  return (xf * torch::rsqrt(variance + eps)).to(x.scalar_type());
}

}  // namespace recur::trainer
