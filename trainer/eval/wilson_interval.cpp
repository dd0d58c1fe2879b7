// Wilson score interval (see wilson_interval.h).
#include "trainer/eval/wilson_interval.h"

#include <algorithm>
#include <cmath>

namespace recur::trainer {
namespace {

constexpr double kZ95 = 1.959963984540054;  // the 97.5% quantile of the standard normal

}  // namespace

Interval wilson_interval(double p, double n) {
  if (n <= 0) return {};
  const double z2 = kZ95 * kZ95;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = kZ95 / (1 + z2 / n) * std::sqrt(std::max(0.0, p * (1 - p) / n + z2 / (4 * n * n)));
  // At p = 0 (p = 1) the bound is 0 (1) exactly; rounding would leave 1e-17.
  return {p <= 0 ? 0.0 : std::max(0.0, centre - half), p >= 1 ? 1.0 : std::min(1.0, centre + half)};
}

void add_with_interval(nlohmann::json& row, const std::string& key, double p, double n) {
  const Interval ci = wilson_interval(p, n);
  row[key] = p;
  row[key + "/ci95_low"] = ci.low;
  row[key + "/ci95_high"] = ci.high;
}

}  // namespace recur::trainer
