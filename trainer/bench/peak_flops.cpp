// Measured matmul peak (see peak_flops.h).
#include "trainer/bench/peak_flops.h"

#include <torch/cuda.h>

#include <algorithm>
#include <chrono>

namespace recur::trainer {
namespace {

void wait_for(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

}  // namespace

double measure_matmul_peak(torch::ScalarType dtype, torch::Device device, int64_t n, double min_seconds) {
  using Clock = std::chrono::steady_clock;
  torch::NoGradGuard no_grad;
  const auto opts = torch::TensorOptions().dtype(dtype).device(device);
  const torch::Tensor a = torch::randn({n, n}, opts), b = torch::randn({n, n}, opts);
  torch::Tensor c = torch::empty({n, n}, opts);
  torch::mm_out(c, a, b);  // warm-up: thread pools, kernel selection, first-touch pages
  wait_for(device);

  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  double best = 0, elapsed = 0;
  for (int repeats = 0; elapsed < min_seconds || repeats < 3; ++repeats) {
    const auto start = Clock::now();
    torch::mm_out(c, a, b);
    wait_for(device);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::max(best, flops / seconds);
    elapsed += seconds;
  }
  return best;
}

}  // namespace recur::trainer
