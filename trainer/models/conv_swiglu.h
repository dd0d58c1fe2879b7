// URM's ConvSwiGLU: SwiGLU with a depthwise causal convolution along the sequence
// between the gate and the down projection (reference: UbiquantAI/URM models/layers.py).
//
//   [gate | up] = W_gu x;   h = silu(gate) * up                  forward dtype, [B, S, inter]
//   c[t] = w[0] h[t-1] + w[1] h[t] + b   (h[-1] = 0)             depthwise, kernel 2, per channel
//   y = W_down silu(c)
// The conv pads one zero on each side and keeps the first S of its S + 1 outputs, so each
// position mixes with its predecessor in the flattened row-major sequence (grid position 1
// with the puzzle-embedding slot). The intermediate width is SwiGLU's (swiglu.h).
//
// The bf16 island (ConvPrecision::kReference). The reference casts its Conv1d to bfloat16
// at construction, so whatever the forward dtype, h is rounded to bf16, the conv runs with
// bf16 weights, its output and the SiLU are rounded to bf16, and W_down (fp32) is cast to
// bf16 for a bf16 GEMM; the block's residual add promotes back. Each op computes in fp32
// and rounds once (torch >= 2, CUDA): the conv and the SiLU are written as fp32 ops
// between explicit casts, so autograd rounds the backward at the same points (the conv's
// weight, bias and input gradients are fp32 sums rounded once to bf16). The conv weight
// and bias are bf16 parameters: their optimizer moments and EMA are bf16 too, and an update
// below half a bf16 ulp is lost, as in the reference. ConvPrecision::kFloat32 (the fp32
// variant, not the reference) keeps them as fp32 master weights and runs the island in the
// forward dtype like the rest of the block.
//
// Parameter names: `<name>.gate_up_proj.weight`, `<name>.dwconv.weight` [inter, 1, 2],
// `<name>.dwconv.bias` [inter], `<name>.down_proj.weight`; init in that order (the conv:
// PyTorch's default, U(+-1/sqrt(2)) for weight and bias, fan_in = 2).
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/casted_layers.h"

namespace recur::trainer {

enum class ConvPrecision { kReference, kFloat32 };

// arch.conv_dtype: "bfloat16" (the reference) or "float32"; anything else is an InputError.
ConvPrecision parse_conv_precision(const std::string& name);

// Every stage of one forward, for the golden fixture's modules/ check.
struct ConvSwiGLUStages {
  torch::Tensor gate_up;   // [B, S, 2 inter], forward dtype
  torch::Tensor conv_in;   // [B, inter, S], island dtype
  torch::Tensor conv_out;  // [B, inter, S + 1], island dtype, before the truncation to S
  torch::Tensor act;       // [B, inter, S], island dtype: silu of the kept conv outputs
  torch::Tensor output;    // [B, S, D], island dtype
};

class ConvSwiGLU {
 public:
  ConvSwiGLU(TensorRegistry& reg, const std::string& name, int64_t hidden_size, double expansion,
             ConvPrecision precision, torch::ScalarType forward_dtype);
  torch::Tensor forward(const torch::Tensor& x) const { return stages(x).output; }
  ConvSwiGLUStages stages(const torch::Tensor& x) const;

 private:
  int64_t inter_;
  torch::ScalarType island_;  // bf16 (reference) or the forward dtype (fp32 variant)
  CastedLinear gate_up_proj_;
  torch::Tensor dwconv_weight_;
  torch::Tensor dwconv_bias_;
  CastedLinear down_proj_;
};

}  // namespace recur::trainer
