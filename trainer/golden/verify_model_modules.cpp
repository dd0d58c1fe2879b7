// Model fixtures: single modules checked on their own (see model_fixture.h). URM's
// `modules/layers.<i>.mlp/` holds one ConvSwiGLU call of step 1 with every bf16 rounding
// point; the whole-model tolerances are too loose to see them (a float32 conv stays within
// them), so here the bf16 stages must be equal (one ulp at isolated elements, summation order).
#include "trainer/golden/model_fixture.h"
#include "trainer/models/urm.h"

namespace recur::trainer {
namespace {

constexpr const char* kModules = "modules";
constexpr const char* kMlpSuffix = ".mlp";

// "layers.3.mlp" -> 3, or -1 when `name` names no block's ConvSwiGLU.
int64_t conv_swiglu_layer(const std::string& name) {
  const std::string head = "layers.";
  if (name.rfind(head, 0) != 0 || name.size() <= head.size() + 4) return -1;
  if (name.compare(name.size() - 4, 4, kMlpSuffix) != 0) return -1;
  const std::string index = name.substr(head.size(), name.size() - head.size() - 4);
  if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(index);
}

void check_conv_swiglu(ModelUnderTest& m, const std::string& name, const ConvSwiGLU& mlp, std::vector<Check>& checks) {
  const GoldenFile& f = m.file;
  const std::string g = std::string(kModules) + "/" + name + "/";
  const std::string params = "model.inner." + name + ".";
  for (const auto& [n, p] : m.model->named_parameters()) p.mutable_grad() = torch::Tensor();

  const torch::Tensor input = m.tensor(g + "input").requires_grad_(true);
  const ConvSwiGLUStages s = mlp.stages(input);
  auto bf16 = [&](const std::string& what, const torch::Tensor& ours) {
    checks.push_back(compare_bf16_ulps(g + what, ours, f.tensor(g + what), kBf16OneUlpFraction));
  };
  auto fp32 = [&](const std::string& what, const torch::Tensor& ours) {
    checks.push_back(compare_relative(g + what, ours, f.tensor(g + what), kModuleFloat32Tol));
  };
  fp32("gate_up_out", s.gate_up);
  bf16("dwconv_in", s.conv_in);
  bf16("dwconv_out", s.conv_out);
  bf16("act_out", s.act);
  bf16("output", s.output);

  (s.output.to(torch::kFloat32) * m.tensor(g + "grad_output")).sum().backward();
  fp32("grad_input", input.grad());
  const NamedTensors& ps = m.model->named_parameters();
  fp32("grads/gate_up_proj.weight", find_named(ps, params + "gate_up_proj.weight").grad());
  bf16("grads/dwconv.weight", find_named(ps, params + "dwconv.weight").grad());
  bf16("grads/dwconv.bias", find_named(ps, params + "dwconv.bias").grad());
  // A float32 weight whose gradient is a bf16 GEMM's result (the down projection runs in bf16).
  bf16("grads/down_proj.weight", find_named(ps, params + "down_proj.weight").grad());
  for (const auto& [n, p] : ps) p.mutable_grad() = torch::Tensor();
}

}  // namespace

void check_modules(ModelUnderTest& m, std::vector<Check>& checks) {
  if (!m.file.has(kModules)) return;
  const auto* urm = dynamic_cast<const URM*>(&m.model->inner());
  for (const std::string& name : m.file.subgroups(kModules)) {
    const int64_t layer = conv_swiglu_layer(name);
    if (!urm || layer < 0 || layer >= m.config.arch.L_layers) {
      checks.push_back(failed_check(std::string(kModules) + "/" + name, "recur has no such module in this model"));
      continue;
    }
    check_conv_swiglu(m, name, urm->layer(static_cast<size_t>(layer)).mlp(), checks);
  }
}

}  // namespace recur::trainer
