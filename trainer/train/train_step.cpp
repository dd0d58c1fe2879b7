// One training step (see train_step.h).
#include "trainer/train/train_step.h"

#include <cmath>

#include "distributed/sparse_gather.h"
#include "trainer/optim/lr_schedule.h"
#include "trainer/optim/sign_sgd.h"
#include "trainer/runtime/profile_scopes.h"

namespace recur::trainer {
namespace {

Batch slice_batch(const Batch& b, int64_t start, int64_t len) {
  return {b.inputs.narrow(0, start, len), b.labels.narrow(0, start, len),
          b.puzzle_identifiers.narrow(0, start, len)};
}

Carry slice_carry(const Carry& c, int64_t start, int64_t len) {
  NamedTensors state;
  for (const auto& [name, t] : c.state) state.emplace_back(name, t.narrow(0, start, len));
  return {state, c.steps.narrow(0, start, len), c.halted.narrow(0, start, len),
          slice_batch(c.current_data, start, len)};
}

Carry cat_carries(const std::vector<Carry>& parts) {
  if (parts.size() == 1) return parts.front();
  auto cat = [&](auto field) {
    std::vector<torch::Tensor> ts;
    for (const Carry& c : parts) ts.push_back(field(c));
    return torch::cat(ts);
  };
  NamedTensors state;
  for (size_t i = 0; i < parts.front().state.size(); ++i)
    state.emplace_back(parts.front().state[i].first, cat([i](const Carry& c) { return c.state[i].second; }));
  return {state,
          cat([](const Carry& c) { return c.steps; }),
          cat([](const Carry& c) { return c.halted; }),
          {cat([](const Carry& c) { return c.current_data.inputs; }),
           cat([](const Carry& c) { return c.current_data.labels; }),
           cat([](const Carry& c) { return c.current_data.puzzle_identifiers; })}};
}

bool gradients_finite(const distributed::FlatGradients& grads) {
  for (const torch::Tensor& b : grads.buffers()) {
    if (!torch::isfinite(b).all().item<bool>()) return false;
  }
  return true;
}

// Scales the gradients so their global L2 norm is at most `max_norm`.
void clip_gradients(distributed::FlatGradients& grads, double max_norm) {
  double sq = 0;
  for (const torch::Tensor& b : grads.buffers()) sq += b.to(torch::kFloat64).pow(2).sum().item<double>();
  const double norm = std::sqrt(sq);
  if (norm > max_norm) {
    for (const torch::Tensor& b : grads.buffers()) b.mul_(max_norm / (norm + 1e-6));
  }
}

}  // namespace

StepRates rates_at_step(const Config& c, int64_t step, int64_t total_steps) {
  return {lr_at_step(step, c.lr, c.lr_warmup_steps, total_steps, c.lr_min_ratio),
          lr_at_step(step, c.puzzle_emb_lr, c.lr_warmup_steps, total_steps, c.lr_min_ratio)};
}

Batch batch_to_device(const datasets::Batch& b, torch::Device device) {
  const auto opts = torch::TensorOptions().dtype(torch::kInt32);
  // from_blob views the loader's vectors; clone() so the tensors own their data.
  auto wrap = [&](const std::vector<int32_t>& v, at::IntArrayRef shape) {
    return torch::from_blob(const_cast<int32_t*>(v.data()), shape, opts).clone().to(device);
  };
  return {wrap(b.inputs, {b.rows, b.seq_len}), wrap(b.labels, {b.rows, b.seq_len}),
          wrap(b.puzzle_identifiers, {b.rows})};
}

Metrics train_step(TrainState& s, const Batch& batch, const Config& config, LossType loss_type,
                   const StepRates& rates, distributed::Communicator& comm) {
  // batch -> carry -> forward -> loss -> backward, once per micro-batch.
  const int64_t rows = batch.inputs.size(0);
  const int64_t micro = rows / config.grad_accum_steps;
  PuzzleEmbedding* puzzle = s.model->inner().puzzle_emb();
  MetricSums sums;
  std::vector<Carry> carries;
  std::vector<torch::Tensor> puzzle_ids, puzzle_grads;
  for (int64_t start = 0; start < rows; start += micro) {
    ActStep out = s.model->step(slice_carry(s.carry, start, micro), slice_batch(batch, start, micro),
                                /*training=*/true, s.exploration);
    ActLoss loss = act_loss(out.outputs, out.carry, loss_type);
    (loss.loss / static_cast<double>(config.global_batch_size)).backward();
    if (puzzle) {
      puzzle_ids.push_back(puzzle->local_ids());
      puzzle_grads.push_back(puzzle->local_grad());
    }
    loss.metrics["loss"] = loss.loss.detach();
    accumulate_metrics(sums, loss.metrics);
    carries.push_back(std::move(out.carry));
  }
  s.carry = cat_carries(carries);

  // all-reduce: gradients, then the metric sums (which carry the loss).
  if (s.grads) s.grads->all_reduce_sum(comm);
  const Metrics totals = reduce_metrics(sums, comm);
  // Both are identical on every rank after the reduce, so every rank stops together.
  if (!std::isfinite(totals.at("loss")) || (s.grads && !gradients_finite(*s.grads)))
    throw std::runtime_error("step " + std::to_string(s.step) + ": non-finite " +
                             (std::isfinite(totals.at("loss")) ? std::string("gradient") : std::string("loss")) +
                             "; stopping (the last checkpoint is the last good state)");
  if (s.grads && config.grad_clip_norm > 0) clip_gradients(*s.grads, config.grad_clip_norm);

  // optimizers: sign-SGD on the puzzle rows every rank touched, then AdamATan2, then EMA.
  const ProfileScope profile(profile_scope::kOptimizers);
  if (puzzle) {
    const distributed::GatheredRows rows_all =
        distributed::all_gather_rows(comm, torch::cat(puzzle_ids), torch::cat(puzzle_grads));
    torch::Tensor table = puzzle->weights();
    sign_sgd_step(table, rows_all.ids, rows_all.grads, rates.puzzle_emb_lr, config.puzzle_emb_weight_decay);
  }
  if (s.adam) s.adam->step(rates.lr);
  if (s.ema) s.ema->update();
  if (s.grads) s.grads->zero();
  return normalize_train_metrics(totals, config.global_batch_size);
}

}  // namespace recur::trainer
