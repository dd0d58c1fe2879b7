// The Wilson score interval: a 95% confidence interval for a proportion
// measured on n trials (Wilson 1927). Unlike the normal approximation
// p +- 1.96 sqrt(p(1-p)/n) it stays inside [0, 1] and is not empty at p = 0
// or p = 1, which matters for ARC scores: 2 tasks of 120 solved is not
// "1.7% +- 2.3%".
//
// Every exact accuracy and pass@K recur reports carries one, as the keys
// "<metric>/ci95_low" and "<metric>/ci95_high". For a mean of per-task
// fractions (TRM's ARC rule: a task scores the fraction of its test inputs
// solved) p is that mean and n the number of tasks.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace recur::trainer {

struct Interval {
  double low = 0;
  double high = 1;
};

// p in [0, 1] measured on n > 0 trials; n = 0 gives [0, 1].
Interval wilson_interval(double p, double n);

// Sets row[key] = p and the two interval keys next to it.
void add_with_interval(nlohmann::json& row, const std::string& key, double p, double n);

}  // namespace recur::trainer
