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
