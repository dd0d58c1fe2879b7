// muon.h5: URM's Muon replayed on the fixture's given gradients (see verify.h).
//
// The run is free-running from param_init (the README: only a bf16 flip of ns_input would
// propagate, and the figures are the teacher-forced ones). Each step compares the
// momentum buffers, msign's bf16 input, msign alone on the stored input, the parameters,
// the AdamW moments and step counter; ns_trace/ checks each Newton-Schulz stage from the
// stored previous one. Tolerances: the README's "muon.h5" table (tolerances.h).
#include <nlohmann/json.hpp>

#include <algorithm>

#include "distributed/flat_gradients.h"
#include "trainer/golden/verify_muon.h"
#include "trainer/golden/tolerances.h"
#include "trainer/optim/muon.h"

namespace recur::trainer {
namespace {

std::vector<std::string> json_names(const GoldenFile& f, const std::string& attr) {
  return nlohmann::json::parse(f.attr_string(".", attr)).get<std::vector<std::string>>();
}

Check group_split_check(const GoldenFile& f, const NamedTensors& params) {
  std::vector<std::string> muon, adamw;
  for (const auto& [name, p] : params) (Muon::in_muon_group(p) ? muon : adamw).push_back(name);
  std::vector<std::string> ref_muon = json_names(f, "muon_params"), ref_adamw = json_names(f, "adamw_params");
  for (auto* v : {&muon, &adamw, &ref_muon, &ref_adamw}) std::sort(v->begin(), v->end());
  if (muon != ref_muon || adamw != ref_adamw)
    return failed_check("parameter split (Muon: 2-D, AdamW: the rest)", "differs from muon_params / adamw_params");
  Check c{"parameter split (" + std::to_string(muon.size()) + " Muon, " + std::to_string(adamw.size()) + " AdamW)",
          CheckMode::kExact};
  c.pass = true;
  return c;
}

void check_ns_trace(const GoldenFile& f, torch::Device device, std::vector<Check>& checks) {
  for (const std::string& name : f.subgroups("ns_trace")) {
    const std::string g = "ns_trace/" + name + "/";
    MsignTrace trace;
    const torch::Tensor output = muon_msign(f.tensor(g + "input").to(device), &trace);
    checks.push_back(compare_relative(g + "norm", trace.norm, f.tensor(g + "norm"), kMuonTraceTol));
    checks.push_back(compare_relative(g + "X_0", trace.X0, f.tensor(g + "X_0"), kMuonTraceTol));
    for (int k = 1; k <= kMuonNsSteps; ++k) {
      const std::string it = g + "iter_" + std::to_string(k) + "/";
      const torch::Tensor previous =
          f.tensor(k == 1 ? g + "X_0" : g + "iter_" + std::to_string(k - 1) + "/X").to(device);
      torch::Tensor A, B;
      const torch::Tensor X = muon_newton_schulz_step(previous, kMuonNsCoefficients[k - 1], &A, &B);
      checks.push_back(compare_relative(it + "A", A, f.tensor(it + "A"), kMuonTraceTol));
      checks.push_back(compare_relative(it + "B", B, f.tensor(it + "B"), kMuonTraceTol));
      checks.push_back(compare_relative(it + "X", X, f.tensor(it + "X"), kMuonTraceTol));
    }
    const torch::Tensor last = f.tensor(g + "iter_" + std::to_string(kMuonNsSteps) + "/X");
    checks.push_back(compare_relative(g + "output (from the stored iter_5/X)", trace.transposed ? last.t() : last,
                                      f.tensor(g + "output"), kMuonTraceTol));
    checks.push_back(compare_relative(g + "output (whole msign)", output, f.tensor(g + "output"), kMuonMsignTol));
  }
}

}  // namespace

void verify_muon(const GoldenFile& f, torch::Device device, std::vector<Check>& checks) {
  NamedTensors params;
  for (const auto& [name, t] : f.tensors_under("param_init")) {
    const bool bf16 = f.has_attr("param_init/" + name, "torch_dtype");
    params.emplace_back(name,
                        t.to(device, bf16 ? torch::kBFloat16 : torch::kFloat32, false, true).requires_grad_(true));
  }
  checks.push_back(group_split_check(f, params));
  // Flat buffers, as the trainer holds them (train_state.cpp).
  const FlatBuffers flat = FlatBuffers::adopt(params);
  std::vector<torch::Tensor> param_list;
  for (const auto& [name, p] : params) param_list.push_back(p);
  distributed::FlatGradients grads(param_list);
  Muon muon(flat, grads.buffers());
  const int64_t n = f.attr_int(".", "n_steps");
  for (int64_t t = 1; t <= n; ++t) {
    const std::string g = "step_" + std::to_string(t) + "/";
    for (auto& [name, p] : params) p.grad().copy_(f.tensor(g + "grad/" + name));  // rounded to bf16 where bf16
    muon.step(f.attr_double(g, "lr"));
    grads.zero();
    const NamedTensors state = muon.state();
    checks.push_back(compare_exact(g + "adamw_step", find_named(state, "adamw_step"),
                                   torch::tensor(f.attr_int(g, "adamw_step"))));
    for (const auto& [name, p] : params) {
      if (Muon::in_muon_group(p)) {
        checks.push_back(compare_relative(g + "muon_buffer/" + name, find_named(state, "muon_buffer/" + name),
                                          f.tensor(g + "muon_buffer/" + name), kMuonBufferTol));
        checks.push_back(compare_bf16_ulps(g + "ns_input/" + name, find_named(muon.last_ns_inputs(), name),
                                           f.tensor(g + "ns_input/" + name), kBf16OneUlpFraction));
        checks.push_back(compare_relative(g + "update/" + name + " (msign of the stored ns_input)",
                                          muon_msign(f.tensor(g + "ns_input/" + name).to(device)),
                                          f.tensor(g + "update/" + name), kMuonMsignTol));
        checks.push_back(compare_absolute(g + "param/" + name, p, f.tensor(g + "param/" + name), kMuonParamTol));
        continue;
      }
      const bool bf16 = p.scalar_type() == torch::kBFloat16;
      for (const std::string moment : {"adamw_exp_avg", "adamw_exp_avg_sq"}) {
        const std::string ref = g + moment + "/" + name;
        const torch::Tensor ours = find_named(state, moment + "/" + name);
        checks.push_back(bf16 ? compare_bf16_ulps(ref, ours, f.tensor(ref), kBf16OneUlpFraction)
                              : compare_relative(ref, ours, f.tensor(ref), kMuonMomentTol));
      }
      const std::string ref = g + "param/" + name;
      checks.push_back(bf16 ? compare_bf16_ulps(ref, p, f.tensor(ref), kBf16OneUlpFraction)
                            : compare_absolute(ref, p, f.tensor(ref), kMuonParamTol));
    }
  }
  check_ns_trace(f, device, checks);
}

}  // namespace recur::trainer
