// JAX-style truncated normal (see init.h).
#include "trainer/models/init.h"

#include <cmath>

namespace recur::trainer {
namespace {
constexpr double kLower = -2.0;
constexpr double kUpper = 2.0;
}  // namespace

double trunc_normal_comp_std(double std) {
  const double sqrt2 = std::sqrt(2.0);
  const double a = std::erf(kLower / sqrt2);
  const double b = std::erf(kUpper / sqrt2);
  const double z = (b - a) / 2;
  const double c = std::pow(2 * M_PI, -0.5);
  // The reference names these two the other way round; the expression is symmetric.
  const double pdf_u = c * std::exp(-0.5 * kLower * kLower);
  const double pdf_l = c * std::exp(-0.5 * kUpper * kUpper);
  const double tail = (pdf_u - pdf_l) / z;
  return std / std::sqrt(1 - (kUpper * pdf_u - kLower * pdf_l) / z - tail * tail);
}

void trunc_normal_(torch::Tensor& t, double std, torch::Generator& gen) {
  torch::NoGradGuard no_grad;
  if (std == 0) {
    t.zero_();
    return;
  }
  const double sqrt2 = std::sqrt(2.0);
  const double comp_std = trunc_normal_comp_std(std);
  t.uniform_(std::erf(kLower / sqrt2), std::erf(kUpper / sqrt2), gen);
  t.erfinv_();
  t.mul_(sqrt2 * comp_std);
  t.clip_(kLower * comp_std, kUpper * comp_std);
}

}  // namespace recur::trainer
