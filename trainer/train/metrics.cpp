// Metric reduction and normalisation (see metrics.h).
#include "trainer/train/metrics.h"

#include <algorithm>

namespace recur::trainer {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

double count_of(const Metrics& totals) {
  auto it = totals.find("count");
  return std::max(it == totals.end() ? 0.0 : it->second, 1.0);
}

}  // namespace

void accumulate_metrics(MetricSums& sums, const MetricSums& more) {
  for (const auto& [key, value] : more) {
    torch::Tensor v = value.detach().to(torch::kFloat64);
    auto it = sums.find(key);
    if (it == sums.end()) {
      sums.emplace(key, v);
    } else {
      it->second = it->second + v;
    }
  }
}

Metrics reduce_metrics(const MetricSums& sums, distributed::Communicator& comm) {
  std::vector<torch::Tensor> values;
  for (const auto& [key, value] : sums) values.push_back(value.detach().to(torch::kFloat64).reshape({}));
  Metrics out;
  if (values.empty()) return out;
  torch::Tensor stacked = torch::stack(values).to(torch::kCPU).contiguous();
  comm.all_reduce_sum(stacked, "metrics");
  const double* p = stacked.data_ptr<double>();
  size_t i = 0;
  for (const auto& [key, value] : sums) out[key] = p[i++];
  return out;
}

Metrics normalize_train_metrics(const Metrics& totals, int64_t global_batch_size) {
  const double count = count_of(totals);
  Metrics out;
  for (const auto& [key, value] : totals) {
    out[key] = ends_with(key, "loss") ? value / static_cast<double>(global_batch_size) : value / count;
  }
  return out;
}

Metrics normalize_eval_metrics(const Metrics& totals) {
  const double count = count_of(totals);
  Metrics out;
  for (const auto& [key, value] : totals) out[key] = key == "count" ? value : value / count;
  return out;
}

}  // namespace recur::trainer
