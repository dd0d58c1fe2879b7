// SwiGLU (see swiglu.h).
#include "trainer/models/swiglu.h"

#include <cmath>

namespace recur::trainer {

int64_t swiglu_intermediate_size(int64_t hidden_size, double expansion) {
  // Same evaluation order as the reference's `expansion * hidden_size * 2 / 3`;
  // nearbyint rounds half to even in the default rounding mode, like Python's round.
  const auto rounded = static_cast<int64_t>(std::nearbyint(expansion * hidden_size * 2 / 3));
  constexpr int64_t kMultiple = 256;
  return (rounded + kMultiple - 1) / kMultiple * kMultiple;
}

SwiGLU::SwiGLU(TensorRegistry& reg, const std::string& name, int64_t hidden_size, double expansion)
    : gate_up_proj_(reg, name + ".gate_up_proj", hidden_size,
                    2 * swiglu_intermediate_size(hidden_size, expansion), false),
      down_proj_(reg, name + ".down_proj", swiglu_intermediate_size(hidden_size, expansion), hidden_size,
                 false) {}

torch::Tensor SwiGLU::forward(const torch::Tensor& x) const {
  const auto gate_up = gate_up_proj_.forward(x).chunk(2, -1);
  return down_proj_.forward(torch::silu(gate_up[0]) * gate_up[1]);
}

}  // namespace recur::trainer
