// Warm-up + cosine schedule (see lr_schedule.h).
#include "trainer/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace recur::trainer {

double lr_at_step(int64_t step, double base_lr, int64_t warmup_steps, int64_t total_steps, double min_ratio) {
  if (step < warmup_steps)
    return base_lr * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, warmup_steps));
  const double progress = static_cast<double>(step - warmup_steps) /
                          static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps));
  // num_cycles = 0.5: half a cosine period over the run (written as the reference does).
  constexpr double kNumCycles = 0.5;
  // Same evaluation order as the reference, so the values match it bit for bit.
  const double decay = (1 - min_ratio) * 0.5 * (1.0 + std::cos(M_PI * kNumCycles * 2.0 * progress));
  return base_lr * (min_ratio + std::max(0.0, decay));
}

}  // namespace recur::trainer
