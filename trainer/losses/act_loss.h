// The ACT loss head (the reference's ACTLossHead): the training loss of one supervision
// step and the metric sums the trainer logs.
//
// Every slot is supervised at every step (deep supervision), halted or not:
//   lm_loss     = sum_b (sum_t CE_bt) / max(count_b, 1)       (per-sequence mean, summed)
//   q_halt_loss = sum_b BCEWithLogits(q_halt_b, seq_correct_b)
//   q_cont_loss = sum_b BCEWithLogits(q_continue_b, target_b)  (HRM training only)
//   loss        = lm_loss + 0.5 (q_halt_loss + q_cont_loss)
// The trainer backpropagates loss / global_batch_size. Metrics are raw sums over the
// slots that halted this step and have at least one label, exactly as the reference
// returns them (count, accuracy, exact_accuracy, q_halt_accuracy, steps, and the
// detached losses); the trainer reduces them across ranks and normalises.
#pragma once

#include <map>
#include <string>

#include "common/libtorch.h"
#include "trainer/models/act.h"

namespace recur::trainer {

enum class LossType { kStablemax, kSoftmax };

// "stablemax_cross_entropy" | "softmax_cross_entropy"; anything else is an InputError.
LossType parse_loss_type(const std::string& name);

struct ActLoss {
  torch::Tensor loss;  // scalar with grad (float64 for stablemax)
  // Sorted by name (the order the reference reduces them in); 0-dim tensors on the model's device.
  std::map<std::string, torch::Tensor> metrics;
  torch::Tensor preds;       // int64 [B, L]: argmax of the logits
  torch::Tensor all_halted;  // bool scalar
};

// `carry` is the carry step() returned: its current_data.labels are the labels graded.
ActLoss act_loss(const StepOutputs& outputs, const Carry& carry, LossType type);

}  // namespace recur::trainer
