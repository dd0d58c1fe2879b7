// Comparing recur's numbers with a golden fixture's, with the fixtures' README metrics.
//
// Normwise relative error = max|ours - ref| / max|ref| (element-wise relative error is
// meaningless for entries near zero). Integer and boolean quantities (halting, steps,
// ids, predictions, counts) must match exactly. Every check records its tolerance, so
// a report shows how far inside (or outside) the bound each quantity is.
#pragma once

#include <string>
#include <vector>

#include "common/libtorch.h"

namespace recur::trainer {

enum class CheckMode {
  kRelative,  // normwise relative error <= tol
  kAbsolute,  // max absolute error <= tol
  kExact,     // identical values (and shapes)
  kFraction,  // fraction of elements within `tol` absolute >= min_fraction
  kBf16Ulps,  // bf16 values: none more than `tol` bf16 ulps apart, share of equal ones >= min_fraction
};

struct Check {
  std::string name;
  CheckMode mode = CheckMode::kExact;
  double max_abs = 0;   // max |ours - ref| (infinity on a shape mismatch)
  double rel = 0;       // normwise relative error
  double tol = 0;
  double fraction = 1;  // kFraction: share of elements within tol
  double min_fraction = 1;
  bool pass = false;
  std::string note;     // why it failed when the numbers alone do not say
};

Check compare_relative(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref, double tol);
Check compare_absolute(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref, double tol);
Check compare_exact(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref);
Check compare_fraction_within(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref,
                              double tol, double min_fraction);
// bf16 values (ours in any float dtype, rounded to bf16; ref exact bf16 values): every element
// within one bf16 ulp, and at least 1 - one_ulp_fraction of them equal.
Check compare_bf16_ulps(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref,
                        double one_ulp_fraction);
// A check that failed for a structural reason (missing or unexpected quantity).
Check failed_check(const std::string& name, const std::string& note);

// One aligned report line: name, max abs, normwise rel, tolerance, PASS/FAIL.
std::string format_check(const Check& c);
bool all_passed(const std::vector<Check>& checks);

}  // namespace recur::trainer
