// verify_golden(): dispatch on the fixture kind; the optimizer, loss and schedule
// fixtures are checked here, the model fixtures in verify_model_*.cpp (see verify.h).
#include "trainer/golden/verify.h"

#include <ATen/Context.h>

#include <stdexcept>

#include "trainer/golden/model_fixture.h"
#include "trainer/golden/tolerances.h"
#include "trainer/golden/verify_muon.h"
#include "trainer/losses/stablemax.h"
#include "trainer/optim/adam_atan2.h"
#include "trainer/optim/lr_schedule.h"

namespace recur::trainer {
namespace {

// stablemax.h5: the README's loss tolerance (relative).
constexpr double kStablemaxTol = 1e-5;

// A schedule value is a handful of double operations; 1e-12 only absorbs a libm that
// rounds cos differently from the reference machine's.
constexpr double kScheduleTol = 1e-12;

void verify_adam_atan2(const GoldenFile& f, torch::Device device, std::vector<Check>& checks) {
  const double lr = f.attr_double(".", "lr");
  const AdamATan2Options opt{f.attr_double(".", "beta1"), f.attr_double(".", "beta2"),
                             f.attr_double(".", "weight_decay")};
  const int64_t n = f.attr_int(".", "n_steps");
  for (const std::string precision : {"float32", "float64"}) {
    torch::Tensor param = f.tensor(precision + "/param_init").to(device).clone();
    torch::Tensor exp_avg = torch::zeros_like(param), exp_avg_sq = torch::zeros_like(param);
    for (int64_t t = 1; t <= n; ++t) {
      const std::string g = precision + "/step_" + std::to_string(t);
      adam_atan2_update(param, f.tensor(g + "/grad").to(device), exp_avg, exp_avg_sq, lr, t, opt);
      checks.push_back(compare_absolute(g + "/param", param, f.tensor(g + "/param"), kReplayParamTol));
      checks.push_back(compare_relative(g + "/exp_avg", exp_avg, f.tensor(g + "/exp_avg"), kReplayMomentTol));
      checks.push_back(compare_relative(g + "/exp_avg_sq", exp_avg_sq, f.tensor(g + "/exp_avg_sq"), kReplayMomentTol));
    }
  }
}

void verify_stablemax(const GoldenFile& f, torch::Device device, std::vector<Check>& checks) {
  for (const auto& c : f.subgroups(".")) {
    const torch::Tensor logits = f.tensor(c + "/logits").to(device), labels = f.tensor(c + "/labels").to(device);
    checks.push_back(compare_relative(c + "/log_stablemax", log_stablemax(logits.to(torch::kFloat64)),
                                      f.tensor(c + "/log_stablemax"), kStablemaxTol));
    checks.push_back(
        compare_relative(c + "/loss", stablemax_cross_entropy(logits, labels), f.tensor(c + "/loss"), kStablemaxTol));
    checks.push_back(compare_relative(c + "/softmax_cross_entropy", softmax_cross_entropy(logits, labels),
                                      f.tensor(c + "/softmax_cross_entropy"), kStablemaxTol));
  }
}

void verify_lr_schedule(const GoldenFile& f, std::vector<Check>& checks) {
  for (const auto& c : f.subgroups(".")) {
    const torch::Tensor steps = f.tensor(c + "/step").to(torch::kInt64);
    const double base = f.attr_double(c, "base_lr"), min_ratio = f.attr_double(c, "min_ratio");
    const int64_t warmup = f.attr_int(c, "num_warmup_steps"), total = f.attr_int(c, "num_training_steps");
    torch::Tensor ours = torch::empty({steps.numel()}, torch::kFloat64);
    for (int64_t i = 0; i < steps.numel(); ++i)
      ours[i] = lr_at_step(steps[i].item<int64_t>(), base, warmup, total, min_ratio);
    checks.push_back(compare_relative(c + "/lr", ours, f.tensor(c + "/lr"), kScheduleTol));
  }
}

void verify_model(const GoldenFile& f, const GoldenOptions& options, std::vector<Check>& checks) {
  ModelUnderTest m = load_model_under_test(f, options, checks);
  if (!checks.front().pass) return;  // the parameter names differ: nothing else can be compared
  check_modules(m, checks);
  check_teacher_forced_steps(m, checks);
  check_optimizer_replay(m, checks);
  check_end_to_end(m, checks);
}

}  // namespace

GoldenReport verify_golden(const std::string& path, const GoldenOptions& options) {
  if (options.dtype != torch::kFloat32 && options.dtype != torch::kBFloat16)
    throw std::invalid_argument("verify_golden: the forward dtype must be float32 or bfloat16");
  // The fixtures are true float32: no TF32 in cuBLAS or cuDNN matmuls.
  if (options.device.is_cuda()) at::globalContext().setFloat32MatmulPrecision("highest");
  const GoldenFile f(path);
  GoldenReport report{path, f.kind_name(), {}};
  switch (f.kind()) {
    case FixtureKind::kModel: verify_model(f, options, report.checks); break;
    case FixtureKind::kAdamATan2: verify_adam_atan2(f, options.device, report.checks); break;
    case FixtureKind::kMuon: verify_muon(f, options.device, report.checks); break;
    case FixtureKind::kStablemax: verify_stablemax(f, options.device, report.checks); break;
    case FixtureKind::kLrSchedule: verify_lr_schedule(f, report.checks); break;
  }
  return report;
}

}  // namespace recur::trainer
