// SwiGLU feed-forward: down(silu(gate) * up), with one fused gate|up projection.
//
// The intermediate width follows the reference: round(expansion * h * 2/3) with
// Python's round-half-to-even, then rounded up to a multiple of 256. For h = 512 and
// expansion 4 that is 1365 -> 1536; for TRM's mlp_t over a sequence of 97 it is 512.
// gate_up_proj: h -> 2 inter (gate first, then up); down_proj: inter -> h; no biases.
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/casted_layers.h"

namespace recur::trainer {

int64_t swiglu_intermediate_size(int64_t hidden_size, double expansion);

class SwiGLU {
 public:
  SwiGLU(TensorRegistry& reg, const std::string& name, int64_t hidden_size, double expansion);
  torch::Tensor forward(const torch::Tensor& x) const;

 private:
  CastedLinear gate_up_proj_;
  CastedLinear down_proj_;
};

}  // namespace recur::trainer
