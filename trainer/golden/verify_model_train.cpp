// Model fixtures: the optimizer replay and the free-running end-to-end run of `train/`
// (see model_fixture.h).
//
// Replay, don't free-run (README): AdamATan2's first update is a sign step of size lr,
// so an element whose gradient is within rounding of zero may flip; feeding the stored
// gradients isolates the optimizers. The end-to-end run then checks the whole train
// step on our own gradients with the README's "fair" criterion (tolerances.h): e.g. the
// loss within 1e-5 and at least 99.9% of parameter elements within 1e-5, at step 1 for
// every model and at steps 2-3 for trm_att and hrm (TRM-MLP diverges after a flip by design).
#include <algorithm>
#include <optional>

#include "common/error.h"
#include "distributed/flat_gradients.h"
#include "trainer/golden/model_fixture.h"
#include "trainer/optim/adam_atan2.h"
#include "trainer/optim/ema.h"
#include "trainer/optim/sign_sgd.h"

namespace recur::trainer {
namespace {

struct TrainSettings {
  double lr, weight_decay, puzzle_emb_lr, puzzle_emb_weight_decay, ema_rate;
  AdamATan2Options adam;
};

TrainSettings read_train_settings(const GoldenFile& f) {
  TrainSettings s{};
  s.lr = f.attr_double("train", "lr");
  s.weight_decay = f.attr_double("train", "weight_decay");
  s.puzzle_emb_lr = f.attr_double("train", "puzzle_emb_lr");
  s.puzzle_emb_weight_decay = f.attr_double("train", "puzzle_emb_weight_decay");
  s.ema_rate = f.attr_double("train", "ema_rate");
  const std::vector<double> betas = f.attr_doubles("train", "betas");
  if (betas.size() != 2) throw InputError(f.path(), "attribute 'betas' of 'train' must hold 2 numbers");
  s.adam = {betas[0], betas[1], s.weight_decay};
  return s;
}

std::string train_step(int64_t k) { return "train/step_" + std::to_string(k); }

torch::Tensor flat_concat(const std::vector<torch::Tensor>& parts) {
  std::vector<torch::Tensor> flat;
  for (const auto& t : parts) flat.push_back(t.detach().reshape({-1}).to(torch::kCPU, torch::kFloat64));
  return torch::cat(flat);
}

// Replayed parameters and EMA: float32 within a few ulps; bf16 ones (URM's conv) equal.
Check compare_param(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref) {
  if (ours.scalar_type() == torch::kBFloat16) return compare_exact(name, ours, ref);
  return compare_absolute(name, ours, ref, kReplayParamTol);
}

// Replayed moments: float32 normwise; bf16 equal, or one ulp apart at isolated elements (the
// kernel's float32 lerp and the reference's mul/addcmul may round to neighbouring values).
Check compare_moment(const std::string& name, const torch::Tensor& ours, const torch::Tensor& ref) {
  if (ours.scalar_type() == torch::kBFloat16) return compare_bf16_ulps(name, ours, ref, kBf16OneUlpFraction);
  return compare_relative(name, ours, ref, kReplayMomentTol);
}

}  // namespace

void check_optimizer_replay(ModelUnderTest& m, std::vector<Check>& checks) {
  const GoldenFile& f = m.file;
  const TrainSettings s = read_train_settings(f);
  const NamedTensors weights = f.tensors_under("weights");
  NamedTensors params;
  for (const auto& [name, p] : m.model->named_parameters())
    params.emplace_back(name, find_named(weights, name).to(m.device, p.scalar_type(), false, true).requires_grad_(true));
  torch::Tensor table = find_named(weights, kPuzzleTable);
  if (table.defined()) table = table.to(m.device).clone();
  // Flat buffers, as the trainer holds them (train_state.cpp).
  const FlatBuffers flat = FlatBuffers::adopt(params);
  std::vector<torch::Tensor> param_list;
  for (const auto& [name, p] : params) param_list.push_back(p);
  distributed::FlatGradients grads(param_list);
  AdamATan2 adam(flat, grads.buffers(), s.adam);
  const int64_t n = m.config.n_steps;
  std::optional<Ema> ema;
  if (f.has(train_step(n) + "/ema_shadow_after")) ema.emplace(flat, s.ema_rate);  // TRM runs use EMA

  for (int64_t k = 1; k <= n; ++k) {
    const std::string g = train_step(k);
    if (table.defined()) {
      sign_sgd_step(table, m.tensor(g + "/grads_puzzle_emb/local_ids"),
                    m.tensor(g + "/grads_puzzle_emb/local_weights_grad"), s.puzzle_emb_lr, s.puzzle_emb_weight_decay);
      checks.push_back(compare_absolute("replay/" + g + "/puzzle_emb_weights_after", table,
                                        f.tensor(g + "/puzzle_emb_weights_after"), kReplayParamTol));
    }
    for (auto& [name, p] : params) p.grad().copy_(m.tensor(g + "/grads/" + name));  // rounded to bf16 where bf16
    adam.step(s.lr);
    grads.zero();
    for (const auto& [name, p] : params)
      checks.push_back(
          compare_param("replay/" + g + "/params_after/" + name, p, f.tensor(g + "/params_after/" + name)));
    if (ema) ema->update();
  }

  const std::string last = train_step(n);
  const NamedTensors state = adam.state();
  for (const auto& [name, p] : params) {
    for (const std::string moment : {"exp_avg", "exp_avg_sq"}) {
      const std::string ref = last + "/adam_" + moment + "_after/" + name;
      checks.push_back(compare_moment("replay/" + ref, find_named(state, moment + "/" + name), f.tensor(ref)));
    }
    if (ema)
      checks.push_back(compare_param("replay/" + last + "/ema_shadow_after/" + name, find_named(ema->shadow(), name),
                                     f.tensor(last + "/ema_shadow_after/" + name)));
  }
}

void check_end_to_end(ModelUnderTest& m, std::vector<Check>& checks) {
  const GoldenFile& f = m.file;
  const TrainSettings s = read_train_settings(f);
  ActModel& model = *m.model;
  model.load_named_tensors(f.tensors_under("weights"), f.path() + ": weights");
  const FlatBuffers flat = FlatBuffers::adopt(model.named_parameters());
  std::vector<torch::Tensor> param_list;
  for (const auto& [name, p] : model.named_parameters()) param_list.push_back(p);
  distributed::FlatGradients grads(param_list);
  AdamATan2 adam(flat, grads.buffers(), s.adam);
  const int64_t batch = m.config.batch_size;
  const int64_t steps = std::min(m.tol.end_to_end_steps, m.config.n_steps);
  Carry carry = model.initial_carry(batch);
  for (int64_t k = 1; k <= steps; ++k) {
    const std::string g = train_step(k);
    grads.zero();
    const ActStep st = fixture_train_step(m, g, carry);
    const ActLoss l = act_loss(st.outputs, st.carry, m.loss_type);
    (l.loss / static_cast<double>(batch)).backward();
    if (PuzzleEmbedding* pe = model.inner().puzzle_emb()) {
      torch::Tensor table = pe->weights();
      sign_sgd_step(table, pe->local_ids(), pe->local_grad(), s.puzzle_emb_lr, s.puzzle_emb_weight_decay);
    }
    adam.step(s.lr);
    carry = st.carry;

    checks.push_back(compare_relative("end_to_end/" + g + "/loss", l.loss, f.tensor(g + "/loss"), m.tol.end_to_end_loss));
    std::vector<torch::Tensor> ours, ref;
    for (const auto& [name, p] : model.named_parameters()) {
      ours.push_back(p);
      ref.push_back(f.tensor(g + "/params_after/" + name));
    }
    checks.push_back(compare_fraction_within("end_to_end/" + g + "/params_after (all parameter elements)",
                                             flat_concat(ours), flat_concat(ref), kEndToEndParamTol,
                                             m.tol.end_to_end_fraction));
  }
  grads.zero();
}

}  // namespace recur::trainer
