// One micro-batch's forward and backward (see supervision_step.h).
#include "trainer/train/supervision_step.h"

namespace recur::trainer {
namespace {

torch::Tensor clone_if_defined(const torch::Tensor& t) { return t.defined() ? t.clone() : t; }

}  // namespace

SupervisionOutputs SupervisionOutputs::cloned() const {
  SupervisionOutputs c;
  for (const auto& [name, t] : carry.state) c.carry.state.emplace_back(name, t.clone());
  c.carry.steps = carry.steps.clone();
  c.carry.halted = carry.halted.clone();
  c.carry.current_data = {carry.current_data.inputs.clone(), carry.current_data.labels.clone(),
                          carry.current_data.puzzle_identifiers.clone()};
  for (const auto& [key, value] : sums) c.sums.emplace(key, value.clone());
  c.puzzle_ids = clone_if_defined(puzzle_ids);
  c.puzzle_grad = clone_if_defined(puzzle_grad);
  return c;
}

SupervisionOutputs supervision_step(ActModel& model, const Carry& carry, const Batch& batch,
                                    const torch::Tensor& exploration_min_steps, LossType loss_type,
                                    double loss_divisor) {
  ActStep out = model.step(carry, batch, /*training=*/true, exploration_min_steps);
  ActLoss loss = act_loss(out.outputs, out.carry, loss_type);
  (loss.loss / loss_divisor).backward();
  loss.metrics["loss"] = loss.loss.detach();
  SupervisionOutputs r{std::move(out.carry), std::move(loss.metrics), {}, {}};
  if (PuzzleEmbedding* puzzle = model.inner().puzzle_emb()) {
    r.puzzle_ids = puzzle->local_ids();
    r.puzzle_grad = puzzle->local_grad();
  }
  return r;
}

}  // namespace recur::trainer
