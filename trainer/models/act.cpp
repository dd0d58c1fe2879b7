// ACT carry, slot reset and halting (see act.h).
#include "trainer/models/act.h"

#include "common/error.h"
#include "trainer/runtime/profile_scopes.h"

namespace recur::trainer {
namespace {

// Row b of `fresh` where reset[b], else row b of `kept`.
torch::Tensor select_rows(const torch::Tensor& reset, const torch::Tensor& fresh, const torch::Tensor& kept) {
  std::vector<int64_t> shape(fresh.dim(), 1);
  shape[0] = -1;
  return torch::where(reset.view(shape), fresh, kept);
}

torch::Tensor named_or_throw(const NamedTensors& list, const std::string& name, const std::string& where) {
  torch::Tensor t = find_named(list, name);
  if (!t.defined()) throw InputError(where, "carry tensor '" + name + "' is missing");
  return t;
}

void expect_shape(const torch::Tensor& t, at::IntArrayRef shape, const std::string& name, const std::string& where) {
  if (t.sizes() != shape)
    throw InputError(where, "carry tensor '" + name + "' has shape " + c10::str(t.sizes()) + ", expected " +
                                c10::str(shape));
}

}  // namespace

NamedTensors Carry::to_named_tensors() const {
  NamedTensors out = state;
  out.insert(out.end(), {{"steps", steps},
                         {"halted", halted},
                         {"current_data/inputs", current_data.inputs},
                         {"current_data/labels", current_data.labels},
                         {"current_data/puzzle_identifiers", current_data.puzzle_identifiers}});
  return out;
}

ActModel::ActModel(std::unique_ptr<RecursiveModel> inner, const ActConfig& config)
    : inner_(std::move(inner)), config_(config) {}

Carry ActModel::initial_carry(int64_t batch_size) const {
  const auto ints = torch::TensorOptions().dtype(torch::kInt32).device(inner_->device());
  const int64_t L = inner_->shape().seq_len;
  Carry c;
  c.state = inner_->empty_state(batch_size);
  c.steps = torch::zeros({batch_size}, ints);
  c.halted = torch::ones({batch_size}, ints.dtype(torch::kBool));
  c.current_data = {torch::zeros({batch_size, L}, ints), torch::zeros({batch_size, L}, ints),
                    torch::zeros({batch_size}, ints)};
  return c;
}

Carry ActModel::carry_from_named_tensors(const NamedTensors& tensors, const std::string& where) const {
  const auto dev = inner_->device();
  Carry c;
  c.steps = named_or_throw(tensors, "steps", where).to(dev, torch::kInt32);
  if (c.steps.dim() != 1) throw InputError(where, "carry tensor 'steps' must be 1-D");
  const int64_t B = c.steps.size(0), S = inner_->state_length(), L = inner_->shape().seq_len;
  for (const std::string& name : inner_->state_names()) {
    c.state.emplace_back(name, named_or_throw(tensors, name, where).to(dev, inner_->forward_dtype()));
    expect_shape(c.state.back().second, {B, S, inner_->hidden_size()}, name, where);
  }
  c.halted = named_or_throw(tensors, "halted", where).to(dev, torch::kBool);
  c.current_data.inputs = named_or_throw(tensors, "current_data/inputs", where).to(dev, torch::kInt32);
  c.current_data.labels = named_or_throw(tensors, "current_data/labels", where).to(dev, torch::kInt32);
  c.current_data.puzzle_identifiers =
      named_or_throw(tensors, "current_data/puzzle_identifiers", where).to(dev, torch::kInt32);
  expect_shape(c.halted, {B}, "halted", where);
  expect_shape(c.current_data.inputs, {B, L}, "current_data/inputs", where);
  expect_shape(c.current_data.labels, {B, L}, "current_data/labels", where);
  expect_shape(c.current_data.puzzle_identifiers, {B}, "current_data/puzzle_identifiers", where);
  return c;
}

void ActModel::load_named_tensors(const NamedTensors& source, const std::string& where) {
  NamedTensors targets = inner_->named_parameters();
  const NamedTensors& buffers = inner_->named_persistent_buffers();
  targets.insert(targets.end(), buffers.begin(), buffers.end());
  copy_named_into(targets, source, where);
}

torch::Tensor ActModel::draw_exploration(int64_t slots, torch::Generator& gen) const {
  if (config_.halt_max_steps <= 1) return {};  // every slot halts after one step anyway
  // Drawn on the CPU from the caller's generator (device-independent and checkpointable),
  // every training step, as the reference draws rand_like/randint_like every step.
  const auto cpu = torch::TensorOptions().device(torch::kCPU);
  const torch::Tensor explore = torch::rand({slots}, gen, cpu.dtype(torch::kFloat32)) <
                                config_.halt_exploration_prob;
  const torch::Tensor min_steps =
      torch::randint(2, config_.halt_max_steps + 1, {slots}, gen, cpu.dtype(torch::kInt32));
  torch::Tensor drawn = explore.to(torch::kInt32) * min_steps;
  if (!inner_->device().is_cuda()) return drawn;
  // From pinned memory the copy is queued without waiting for the GPU.
  return drawn.pin_memory().to(inner_->device(), /*non_blocking=*/true);
}

ActStep ActModel::step(const Carry& carry, const Batch& batch, bool training, const torch::Tensor& min_halt_steps) {
  const ProfileScope profile(profile_scope::kModel);
  // 1. Halted slots start over on their row of the new batch.
  const torch::Tensor& reset = carry.halted;
  const NamedTensors state = inner_->reset(reset, carry.state);
  const Batch data{select_rows(reset, batch.inputs, carry.current_data.inputs),
                   select_rows(reset, batch.labels, carry.current_data.labels),
                   select_rows(reset, batch.puzzle_identifiers, carry.current_data.puzzle_identifiers)};

  // 2. One supervision step.
  InnerOutput out = inner_->forward(state, data.inputs, data.puzzle_identifiers, training);
  ActStep result;
  result.outputs = {out.logits, out.q_halt, out.q_continue, torch::Tensor()};

  // 3. Step count and halting.
  torch::NoGradGuard no_grad;
  const torch::Tensor steps = carry.steps.masked_fill(reset, 0) + 1;
  const torch::Tensor is_last = steps >= config_.halt_max_steps;
  torch::Tensor halted = is_last;
  if (training && config_.halt_max_steps > 1) {
    const torch::Tensor q_says_halt =
        config_.q_continue_halting ? out.q_halt > out.q_continue : out.q_halt > 0;
    halted = halted | q_says_halt;
    if (min_halt_steps.defined()) halted = halted & (steps >= min_halt_steps);
    if (config_.q_continue_halting) {
      // 4. Bootstrapped Q target from the state after this step (no replay buffer, no target net).
      const InnerOutput next = inner_->forward(out.state, data.inputs, data.puzzle_identifiers, false);
      result.outputs.target_q_continue =
          torch::sigmoid(torch::where(is_last, next.q_halt, torch::maximum(next.q_halt, next.q_continue)));
    }
  }
  result.carry = {out.state, steps, halted, data};
  return result;
}

}  // namespace recur::trainer
