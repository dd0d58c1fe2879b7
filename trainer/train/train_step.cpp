// One training step (see train_step.h).
#include "trainer/train/train_step.h"

#include <cmath>
#include <stdexcept>

#include "distributed/sparse_gather.h"
#include "trainer/optim/lr_schedule.h"
#include "trainer/optim/sign_sgd.h"
#include "trainer/runtime/profile_scopes.h"
#include "trainer/train/step_graph.h"
#include "trainer/train/supervision_step.h"

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

// The sums of every rank, stacked in key order, on the device (one all-reduce).
StepMetrics reduce_step_metrics(const MetricSums& sums, distributed::Communicator& comm) {
  StepMetrics m;
  std::vector<torch::Tensor> values;
  for (const auto& [key, value] : sums) {
    m.keys.push_back(key);
    values.push_back(value.detach().to(torch::kFloat64).reshape({}));
  }
  m.totals = torch::stack(values);
  comm.all_reduce_sum(m.totals, "metrics");
  return m;
}

// 0 when the loss total and every gradient are finite, 1 for the loss, 2 for a gradient.
torch::Tensor non_finite_verdict(const torch::Tensor& loss_total, const distributed::FlatGradients* grads) {
  torch::Tensor grads_finite = torch::ones({}, loss_total.options().dtype(torch::kBool));
  if (grads)
    for (const torch::Tensor& b : grads->buffers()) grads_finite = grads_finite & torch::isfinite(b).all();
  const auto longs = loss_total.options().dtype(torch::kLong);
  return torch::where(torch::isfinite(loss_total), torch::where(grads_finite, torch::zeros({}, longs),
                                                                torch::full({}, 2, longs)),
                      torch::ones({}, longs));
}

// Scales the gradients so their global L2 norm is at most `max_norm`, on the device.
void clip_gradients(distributed::FlatGradients& grads, double max_norm) {
  torch::Tensor sq;
  for (const torch::Tensor& b : grads.buffers()) {
    const torch::Tensor part = b.to(torch::kFloat64).pow(2).sum();
    sq = sq.defined() ? sq + part : part;
  }
  const torch::Tensor norm = sq.sqrt();
  const torch::Tensor scale = torch::where(norm > max_norm, max_norm / (norm + 1e-6), torch::ones_like(norm));
  for (const torch::Tensor& b : grads.buffers()) b.mul_(scale.to(b.scalar_type()));
}

}  // namespace

StepRates rates_at_step(const Config& c, int64_t step, int64_t total_steps) {
  const int64_t schedule_step = step - c.lr_schedule_lag;
  return {lr_at_step(schedule_step, c.lr, c.lr_warmup_steps, total_steps, c.lr_min_ratio),
          lr_at_step(schedule_step, c.puzzle_emb_lr, c.lr_warmup_steps, total_steps, c.lr_min_ratio)};
}

Batch batch_to_device(const datasets::Batch& b, torch::Device device) {
  const auto opts = torch::TensorOptions().dtype(torch::kInt32).pinned_memory(device.is_cuda());
  // from_blob views the loader's vectors; the copy into (pinned) memory owns the data.
  auto wrap = [&](const std::vector<int32_t>& v, at::IntArrayRef shape) {
    torch::Tensor host = torch::empty(shape, opts);
    host.copy_(torch::from_blob(const_cast<int32_t*>(v.data()), shape, opts.pinned_memory(false)));
    return host.to(device, /*non_blocking=*/true);
  };
  return {wrap(b.inputs, {b.rows, b.seq_len}), wrap(b.labels, {b.rows, b.seq_len}),
          wrap(b.puzzle_identifiers, {b.rows})};
}

bool defers_checks(const Config& config, torch::Device device) { return config.device_metrics && device.is_cuda(); }

StepMetrics train_step(TrainState& s, const Batch& batch, const Config& config, LossType loss_type,
                       const StepRates& rates, distributed::Communicator& comm) {
  // batch -> carry -> forward -> loss -> backward, once per micro-batch.
  const int64_t rows = batch.inputs.size(0);
  const int64_t micro = rows / config.grad_accum_steps;
  if (!s.graph) s.graph = make_step_graph(config, *s.model, loss_type);
  MetricSums sums;
  std::vector<Carry> carries;
  std::vector<torch::Tensor> puzzle_ids, puzzle_grads;
  // Exploration: one draw per slot of the global batch, from the stream every
  // rank shares; this rank's rows are its slice (independent of world size).
  torch::Tensor explore = s.model->draw_exploration(config.global_batch_size, s.exploration);
  if (explore.defined()) explore = explore.narrow(0, comm.rank() * rows, rows);
  for (int64_t start = 0; start < rows; start += micro) {
    const Carry carry = slice_carry(s.carry, start, micro);
    const Batch part = slice_batch(batch, start, micro);
    const torch::Tensor min_steps = explore.defined() ? explore.narrow(0, start, micro) : explore;
    SupervisionOutputs out;
    if (s.graph) {
      // The graph's outputs are rewritten by the next micro-batch's replay.
      out = micro < rows ? s.graph->run(carry, part, min_steps).cloned() : s.graph->run(carry, part, min_steps);
    } else {
      out = supervision_step(*s.model, carry, part, min_steps, loss_type,
                             static_cast<double>(config.global_batch_size));
    }
    if (out.puzzle_ids.defined()) {
      puzzle_ids.push_back(out.puzzle_ids);
      puzzle_grads.push_back(out.puzzle_grad);
    }
    accumulate_metrics(sums, out.sums);
    carries.push_back(std::move(out.carry));
  }
  s.carry = cat_carries(carries);

  // all-reduce: gradients, then the metric sums (which carry the loss). Both are
  // identical on every rank after the reduce, so every rank stops together.
  if (s.grads) s.grads->all_reduce_sum(comm);
  StepMetrics m = reduce_step_metrics(sums, comm);
  const auto loss_at = std::find(m.keys.begin(), m.keys.end(), "loss") - m.keys.begin();
  m.verdict = non_finite_verdict(m.totals[loss_at], s.grads.get());
  if (!defers_checks(config, s.model->inner().device())) {
    const int64_t verdict = m.verdict.item<int64_t>();
    if (verdict != 0) throw std::runtime_error(non_finite_message(s.step, verdict));
  }
  if (s.grads && config.grad_clip_norm > 0) clip_gradients(*s.grads, config.grad_clip_norm);

  // optimizers: sign-SGD on the puzzle rows every rank touched, then AdamATan2 or Muon, then EMA.
  const ProfileScope profile(profile_scope::kOptimizers);
  if (!puzzle_ids.empty()) {
    const distributed::GatheredRows rows_all =
        distributed::all_gather_rows(comm, torch::cat(puzzle_ids), torch::cat(puzzle_grads));
    torch::Tensor table = s.model->inner().puzzle_emb()->weights();
    sign_sgd_step(table, rows_all.ids, rows_all.grads, rates.puzzle_emb_lr, config.puzzle_emb_weight_decay);
  }
  if (s.optimizer) s.optimizer->step(rates.lr);
  if (s.ema) s.ema->update();
  if (s.grads) s.grads->zero();
  return m;
}

Metrics read_step_metrics(const StepMetrics& m, int64_t global_batch_size) {
  const torch::Tensor host = m.totals.to(torch::kCPU);
  const double* p = host.data_ptr<double>();
  Metrics totals;
  for (size_t i = 0; i < m.keys.size(); ++i) totals[m.keys[i]] = p[i];
  return normalize_train_metrics(totals, global_batch_size);
}

std::string non_finite_message(int64_t step, int64_t verdict) {
  return "step " + std::to_string(step) + ": non-finite " + (verdict == 1 ? "loss" : "gradient") +
         "; stopping (the last checkpoint is the last good state)";
}

void NonFiniteWatch::record(const StepMetrics& m, int64_t step) {
  if (!first_.defined()) first_ = torch::zeros({2}, m.verdict.options());
  const torch::Tensor here = torch::stack({torch::full({}, step, m.verdict.options()), m.verdict});
  first_ = torch::where((first_[1] == 0) & (m.verdict != 0), here, first_);
}

void NonFiniteWatch::check() const {
  if (!first_.defined()) return;
  const torch::Tensor host = first_.to(torch::kCPU);
  const int64_t* p = host.data_ptr<int64_t>();
  if (p[1] != 0) throw std::runtime_error(non_finite_message(p[0], p[1]));
}

}  // namespace recur::trainer
