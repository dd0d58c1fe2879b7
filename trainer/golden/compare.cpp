// Golden comparisons (see compare.h).
#include "trainer/golden/compare.h"

#include <cstdio>
#include <limits>

namespace recur::trainer {
namespace {

// Fills max_abs and rel (in float64 on the CPU); false if the shapes differ.
bool measure(Check& c, const torch::Tensor& ours, const torch::Tensor& ref) {
  if (ours.sizes() != ref.sizes()) {
    c.max_abs = c.rel = std::numeric_limits<double>::infinity();
    c.note = "shape " + c10::str(ours.sizes()) + " vs reference " + c10::str(ref.sizes());
    return false;
  }
  if (ref.numel() == 0) return true;
  const torch::Tensor a = ours.detach().to(torch::kCPU, torch::kFloat64);
  const torch::Tensor b = ref.detach().to(torch::kCPU, torch::kFloat64);
  c.max_abs = (a - b).abs().max().item<double>();
  const double scale = b.abs().max().item<double>();
  c.rel = c.max_abs == 0 ? 0 : c.max_abs / scale;  // all-zero reference: any difference is infinite
  return true;
}

// bf16 values as integers in the order of the reals (one step = one ulp; +0 and -0 both 0).
torch::Tensor bf16_ordinals(const torch::Tensor& t) {
  const torch::Tensor bits =
      t.detach().to(torch::kCPU, torch::kBFloat16).contiguous().view(torch::kInt16).to(torch::kInt32);
  return torch::where(bits < 0, -32768 - bits, bits);
}

}  // namespace

Check compare_relative(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref, double tol) {
  Check c{name, CheckMode::kRelative};
  c.tol = tol;
  c.pass = measure(c, ours, ref) && c.rel <= tol;
  return c;
}

Check compare_absolute(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref, double tol) {
  Check c{name, CheckMode::kAbsolute};
  c.tol = tol;
  c.pass = measure(c, ours, ref) && c.max_abs <= tol;
  return c;
}

Check compare_exact(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref) {
  Check c{name, CheckMode::kExact};
  c.pass = measure(c, ours, ref) && c.max_abs == 0;
  return c;
}

Check compare_fraction_within(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref,
                              double tol, double min_fraction) {
  Check c{name, CheckMode::kFraction};
  c.tol = tol;
  c.min_fraction = min_fraction;
  if (!measure(c, ours, ref)) return c;
  const torch::Tensor diff =
      (ours.detach().to(torch::kCPU, torch::kFloat64) - ref.detach().to(torch::kCPU, torch::kFloat64)).abs();
  c.fraction = diff.le(tol).to(torch::kFloat64).mean().item<double>();
  c.pass = c.fraction >= min_fraction;
  return c;
}

Check compare_bf16_ulps(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref,
                        double one_ulp_fraction) {
  Check c{name, CheckMode::kBf16Ulps};
  c.tol = 1;
  c.min_fraction = 1 - one_ulp_fraction;
  if (!measure(c, ours, ref)) return c;
  if (ref.numel() == 0) {
    c.pass = true;
    return c;
  }
  const torch::Tensor ulps = (bf16_ordinals(ours) - bf16_ordinals(ref)).abs();
  c.fraction = ulps.eq(0).to(torch::kFloat64).mean().item<double>();
  const int64_t worst = ulps.max().item<int64_t>();
  if (worst > 1) c.note = std::to_string(worst) + " bf16 ulps apart at worst";
  c.pass = worst <= 1 && c.fraction >= c.min_fraction;
  return c;
}

Check failed_check(const std::string& name, const std::string& note) {
  Check c{name, CheckMode::kExact};
  c.max_abs = c.rel = std::numeric_limits<double>::infinity();
  c.note = note;
  return c;
}

std::string format_check(const Check& c) {
  char bound[64];
  switch (c.mode) {
    case CheckMode::kRelative: std::snprintf(bound, sizeof bound, "rel <= %.0e", c.tol); break;
    case CheckMode::kAbsolute: std::snprintf(bound, sizeof bound, "abs <= %.0e", c.tol); break;
    case CheckMode::kExact: std::snprintf(bound, sizeof bound, "exact"); break;
    case CheckMode::kFraction:
      std::snprintf(bound, sizeof bound, "%.4f within %.0e (>= %.3f)", c.fraction, c.tol, c.min_fraction);
      break;
    case CheckMode::kBf16Ulps:
      std::snprintf(bound, sizeof bound, "%.4f equal bf16 (>= %.3f)", c.fraction, c.min_fraction);
      break;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-72s max_abs %9.3e  rel %9.3e  %-28s %s", c.name.c_str(), c.max_abs, c.rel,
                bound, c.pass ? "PASS" : "FAIL");
  std::string out = line;
  if (!c.note.empty()) out += "  (" + c.note + ")";
  return out;
}

bool all_passed(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (!c.pass) return false;
  return !checks.empty();
}

}  // namespace recur::trainer
