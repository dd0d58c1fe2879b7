// The device work of one training micro-batch: one ACT step, its loss, and the
// backward pass into the gradients (the flat buffer's views). Both the eager step
// and the captured one (step_graph.h) run exactly this, so they compute the same.
#pragma once

#include "common/libtorch.h"
#include "trainer/losses/act_loss.h"
#include "trainer/models/act.h"
#include "trainer/train/metrics.h"

namespace recur::trainer {

struct SupervisionOutputs {
  Carry carry;                     // the new carry of these slots
  MetricSums sums;                 // the loss head's sums, "loss" included
  torch::Tensor puzzle_ids;        // puzzle rows this micro-batch touched (undefined without a table)
  torch::Tensor puzzle_grad;       // and their gradient rows

  // A copy that owns its memory (a graph's outputs are rewritten by its next replay).
  SupervisionOutputs cloned() const;
};

// Training-mode ACT step from `carry` on `batch`, then backward of loss / loss_divisor.
// `exploration_min_steps` as ActModel::draw_exploration. No host reads.
SupervisionOutputs supervision_step(ActModel& model, const Carry& carry, const Batch& batch,
                                    const torch::Tensor& exploration_min_steps, LossType loss_type,
                                    double loss_divisor);

}  // namespace recur::trainer
