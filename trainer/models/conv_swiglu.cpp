// ConvSwiGLU (see conv_swiglu.h).
#include "trainer/models/conv_swiglu.h"

#include <cmath>

#include "common/error.h"
#include "trainer/models/swiglu.h"

namespace recur::trainer {
namespace {

// torch.nn.Conv1d.reset_parameters with fan_in = 1 channel x kernel 2: kaiming_uniform_(a = sqrt 5)
// for the weight, U(+-1/sqrt(fan_in)) for the bias; the same double arithmetic as torch.
constexpr double kConvFanIn = 2.0;
double conv_weight_bound() {
  const double slope = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1 + slope * slope));
  return std::sqrt(3.0) * (gain / std::sqrt(kConvFanIn));
}
double conv_bias_bound() { return 1 / std::sqrt(kConvFanIn); }

torch::ScalarType conv_parameter_dtype(ConvPrecision p) {
  return p == ConvPrecision::kReference ? torch::kBFloat16 : torch::kFloat32;
}

}  // namespace

ConvPrecision parse_conv_precision(const std::string& name) {
  if (name == "bfloat16") return ConvPrecision::kReference;
  if (name == "float32") return ConvPrecision::kFloat32;
  throw InputError("arch.conv_dtype", "must be bfloat16 or float32, got '" + name + "'");
}

ConvSwiGLU::ConvSwiGLU(TensorRegistry& reg, const std::string& name, int64_t hidden_size, double expansion,
                       ConvPrecision precision, torch::ScalarType forward_dtype)
    : inter_(swiglu_intermediate_size(hidden_size, expansion)),
      island_(precision == ConvPrecision::kReference ? torch::kBFloat16 : forward_dtype),
      gate_up_proj_(reg, name + ".gate_up_proj", hidden_size, 2 * inter_, false),
      dwconv_weight_(reg.uniform_parameter(name + ".dwconv.weight", {inter_, 1, 2}, conv_weight_bound(),
                                           conv_parameter_dtype(precision))),
      dwconv_bias_(reg.uniform_parameter(name + ".dwconv.bias", {inter_}, conv_bias_bound(),
                                         conv_parameter_dtype(precision))),
      down_proj_(reg, name + ".down_proj", inter_, hidden_size, false) {}

ConvSwiGLUStages ConvSwiGLU::stages(const torch::Tensor& x) const {
  const auto f32 = torch::kFloat32;
  ConvSwiGLUStages s;
  s.gate_up = gate_up_proj_.forward(x);
  const auto gate_up = s.gate_up.chunk(2, -1);
  s.conv_in = (torch::silu(gate_up[0]) * gate_up[1]).transpose(1, 2).to(island_);
  // bf16 x bf16 products are exact in fp32; the sum is rounded once to the island dtype.
  s.conv_out = torch::conv1d(s.conv_in.to(f32), dwconv_weight_.to(f32), dwconv_bias_.to(f32), /*stride=*/1,
                             /*padding=*/1, /*dilation=*/1, /*groups=*/inter_)
                   .to(island_);
  s.act = torch::silu(s.conv_out.narrow(2, 0, x.size(1)).to(f32)).to(island_);
  s.output = down_proj_.forward(s.act.transpose(1, 2));
  return s;
}

}  // namespace recur::trainer
