// The learning-rate schedule of the reference: linear warm-up, then cosine decay
// to lr_min_ratio * base (lr_min_ratio = 1, the published default, means a constant lr
// after warm-up). `step` starts at 1 for the first update. Applied separately to the
// model lr and the puzzle-embedding lr.
//   step < warmup:  base * step / warmup
//   otherwise:      base * (r + max(0, (1 - r) * 0.5 * (1 + cos(pi * progress)))),
//                   progress = (step - warmup) / max(1, total - warmup)
#pragma once

#include <cstdint>

namespace recur::trainer {

double lr_at_step(int64_t step, double base_lr, int64_t warmup_steps, int64_t total_steps, double min_ratio);

}  // namespace recur::trainer
