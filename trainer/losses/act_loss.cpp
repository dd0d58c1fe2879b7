// ACT loss head (see act_loss.h).
#include "trainer/losses/act_loss.h"

#include "common/error.h"
#include "trainer/losses/stablemax.h"
#include "trainer/runtime/profile_scopes.h"

namespace recur::trainer {

LossType parse_loss_type(const std::string& name) {
  if (name == "stablemax_cross_entropy") return LossType::kStablemax;
  if (name == "softmax_cross_entropy") return LossType::kSoftmax;
  throw InputError("arch.loss.loss_type",
                   "must be stablemax_cross_entropy or softmax_cross_entropy, got '" + name + "'");
}

ActLoss act_loss(const StepOutputs& out, const Carry& carry, LossType type) {
  const ProfileScope profile(profile_scope::kLoss);
  const torch::Tensor& labels = carry.current_data.labels;
  ActLoss r;
  torch::Tensor loss_divisor, seq_is_correct;
  {
    torch::NoGradGuard no_grad;
    r.preds = out.logits.argmax(-1);
    const torch::Tensor mask = labels != kIgnoreLabel;
    const torch::Tensor loss_counts = mask.sum(-1);
    loss_divisor = loss_counts.clamp_min(1).unsqueeze(-1);  // a sequence without labels counts as 1
    const torch::Tensor is_correct = mask & (r.preds == labels);
    seq_is_correct = is_correct.sum(-1) == loss_counts;

    const torch::Tensor valid = carry.halted & (loss_counts > 0);
    const torch::Tensor token_accuracy = (is_correct.to(torch::kFloat32) / loss_divisor).sum(-1);
    r.metrics["count"] = valid.sum();
    r.metrics["accuracy"] = token_accuracy.masked_fill(~valid, 0).sum();
    r.metrics["exact_accuracy"] = (valid & seq_is_correct).sum();
    r.metrics["q_halt_accuracy"] = (valid & ((out.q_halt_logits >= 0) == seq_is_correct)).sum();
    r.metrics["steps"] = carry.steps.masked_fill(~valid, 0).sum();
    r.all_halted = carry.halted.all();
  }

  const torch::Tensor token_loss = type == LossType::kStablemax ? stablemax_cross_entropy(out.logits, labels)
                                                                : softmax_cross_entropy(out.logits, labels);
  const torch::Tensor lm_loss = (token_loss / loss_divisor).sum();
  const auto bce_sum = [](const torch::Tensor& logits, const torch::Tensor& targets) {
    return torch::binary_cross_entropy_with_logits(logits, targets, {}, {}, at::Reduction::Sum);
  };
  torch::Tensor q_loss = bce_sum(out.q_halt_logits, seq_is_correct.to(out.q_halt_logits.scalar_type()));
  r.metrics["lm_loss"] = lm_loss.detach();
  r.metrics["q_halt_loss"] = q_loss.detach();
  if (out.target_q_continue.defined()) {
    const torch::Tensor q_continue_loss = bce_sum(out.q_continue_logits, out.target_q_continue);
    r.metrics["q_continue_loss"] = q_continue_loss.detach();
    q_loss = q_loss + q_continue_loss;
  }
  r.loss = lm_loss + 0.5 * q_loss;
  return r;
}

}  // namespace recur::trainer
