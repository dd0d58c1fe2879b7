// Model fixtures: loading, and the teacher-forced supervision steps (see model_fixture.h).
//
// Teacher forcing: step k starts from the fixture's stored carry after step k-1, not
// from our own, so each step is compared on its own. The TRM-MLP recursion at fixture
// size amplifies rounding differences across steps (README: 1e-5 -> 7e-4 over three
// free-running steps from a thread-count change alone); per step it stays at 1e-5.

#include <set>

#include "trainer/golden/model_fixture.h"
#include "trainer/models/factory.h"
#include "trainer/optim/sign_sgd.h"

namespace recur::trainer {
namespace {

std::string step_group(const std::string& prefix, int64_t k) { return prefix + "step_" + std::to_string(k); }

Check check_names(const ActModel& model, const NamedTensors& weights) {
  std::set<std::string> ours, theirs, missing, extra;
  for (const auto& e : model.named_parameters()) ours.insert(e.first);
  for (const auto& e : model.named_persistent_buffers()) ours.insert(e.first);
  for (const auto& e : weights) theirs.insert(e.first);
  std::string note;
  for (const auto& n : theirs)
    if (!ours.count(n)) note += " missing " + n;
  for (const auto& n : ours)
    if (!theirs.count(n)) note += " extra " + n;
  if (!note.empty()) return failed_check("weights/ names == model names", note.substr(1));
  Check c{"weights/ names == model names (" + std::to_string(ours.size()) + " tensors)", CheckMode::kExact};
  c.pass = true;
  return c;
}

// The fixture's weights after `k` optimizer steps of the train/ run (k = 0: weights/).
NamedTensors train_weights_after(const GoldenFile& f, int64_t k) {
  NamedTensors weights = f.tensors_under("weights");
  if (k == 0) return weights;
  const std::string g = step_group("train/", k);
  for (auto& [name, t] : weights) {
    if (name == kPuzzleTable) t = f.tensor(g + "/puzzle_emb_weights_after");
    else if (f.has(g + "/params_after/" + name)) t = f.tensor(g + "/params_after/" + name);
  }
  return weights;
}

// Predictions are compared where the stored logits' top-2 gap is at least tol.preds_min_gap
// (0: everywhere); the rest may flip under the reference's own rounding noise (URM). In
// bf16 (preds_fraction < 1) a share of all tokens must match instead. Returns how much
// such flips can move metrics/accuracy: the changed supervised tokens of each graded slot
// over that slot's label count, summed (0 in bf16, whose accuracy bound covers flips).
double check_preds(const ModelUnderTest& m, const std::string& g, const ActLoss& l, const Carry& carry,
                   std::vector<Check>& checks) {
  const GoldenFile& f = m.file;
  const torch::Tensor ref = f.tensor(g + "/outputs/preds");
  const torch::Tensor ours = l.preds.to(torch::kCPU, torch::kInt64);
  if (m.tol.preds_fraction < 1) {
    checks.push_back(compare_fraction_within(g + "/outputs/preds", ours, ref, 0, m.tol.preds_fraction));
    return 0.0;
  }
  const torch::Tensor top2 = std::get<0>(f.tensor(g + "/outputs/logits").topk(2, -1));
  const torch::Tensor trusted = (top2.select(-1, 0) - top2.select(-1, 1)) >= m.tol.preds_min_gap;
  std::string name = g + "/outputs/preds";
  if (m.tol.preds_min_gap > 0)
    name += " (" + std::to_string(trusted.sum().item<int64_t>()) + " of " + std::to_string(trusted.numel()) +
            " tokens with a top-2 gap >= " + c10::str(m.tol.preds_min_gap) + ")";
  checks.push_back(compare_exact(name, ours.masked_select(trusted), ref.masked_select(trusted)));

  const torch::Tensor labels = carry.current_data.labels.to(torch::kCPU);
  const torch::Tensor supervised = labels != -100;
  const torch::Tensor changed = ((ours != ref) & supervised).sum(-1).to(torch::kFloat64);
  const torch::Tensor graded = carry.halted.to(torch::kCPU) & (supervised.sum(-1) > 0);
  return (changed / supervised.sum(-1).clamp_min(1)).masked_fill(~graded, 0).sum().item<double>();
}

void check_metrics(const ModelUnderTest& m, const std::string& g, const ActLoss& l, double accuracy_slack,
                   std::vector<Check>& checks) {
  const GoldenFile& f = m.file;
  std::set<std::string> seen;
  for (const auto& [key, ref] : f.tensors_under(g + "/metrics")) {
    seen.insert(key);
    const std::string name = g + "/metrics/" + key;
    auto it = l.metrics.find(key);
    if (it == l.metrics.end()) {
      checks.push_back(failed_check(name, "recur does not compute this metric"));
    } else if (key.size() >= 4 && key.compare(key.size() - 4, 4, "loss") == 0) {
      checks.push_back(compare_relative(name, it->second, ref, m.tol.metric_loss));
    } else if (key == "accuracy" && accuracy_slack > 0) {
      const double bound = accuracy_slack + m.tol.accuracy * ref.abs().max().item<double>();
      checks.push_back(compare_absolute(name + " (a prediction flip in a graded slot)", it->second, ref, bound));
    } else if (key == "accuracy") {
      checks.push_back(compare_relative(name, it->second, ref, m.tol.accuracy));
    } else {
      checks.push_back(compare_exact(name, it->second, ref));
    }
  }
  for (const auto& [key, t] : l.metrics)
    if (!seen.count(key)) checks.push_back(failed_check(g + "/metrics/" + key, "metric not in the reference"));
}

}  // namespace

ModelUnderTest load_model_under_test(const GoldenFile& file, const GoldenOptions& options, std::vector<Check>& checks) {
  ModelFixtureConfig config = read_model_fixture_config(file);
  const std::string kind = file.kind_name();
  config.arch.forward_dtype = options.dtype == torch::kBFloat16 ? "bfloat16" : "float32";
  const ModelTolerances& float32 = model_tolerances(kind, file.path());
  ModelUnderTest m{file,
                   kind,
                   config,
                   parse_loss_type(config.arch.loss.loss_type),
                   make_model(config.arch, config.shape, options.device, /*init_seed=*/0),
                   options.device,
                   options.dtype == torch::kBFloat16 ? bf16_tolerances(float32) : float32};
  const NamedTensors weights = file.tensors_under("weights");
  checks.push_back(check_names(*m.model, weights));
  if (!checks.back().pass) return m;
  m.model->load_named_tensors(weights, file.path() + ": weights");
  if (const RotaryEmbedding* rope = m.model->inner().rotary()) {
    const std::string g = "buffers_nonpersistent/model.inner.rotary_emb.";
    checks.push_back(compare_relative(g + "cos_cached", rope->cos, file.tensor(g + "cos_cached"), kRopeTol));
    checks.push_back(compare_relative(g + "sin_cached", rope->sin, file.tensor(g + "sin_cached"), kRopeTol));
  }
  return m;
}

Batch read_batch(const ModelUnderTest& m, const std::string& group) {
  return {m.tensor(group + "/inputs"), m.tensor(group + "/labels"), m.tensor(group + "/puzzle_identifiers")};
}

Carry read_carry(const ModelUnderTest& m, const std::string& group) {
  return m.model->carry_from_named_tensors(m.file.tensors_under(group), m.file.path() + ": " + group);
}

ActStep fixture_train_step(ModelUnderTest& m, const std::string& g, const Carry& carry_in) {
  const Batch batch = read_batch(m, g + "/batch");
  const std::string draws = g + "/exploration/min_halt_steps";
  if (m.file.has(draws))
    return m.model->step(carry_in, batch, /*training=*/true, m.tensor(draws).to(torch::kInt32));
  return m.model->step(carry_in, batch, /*training=*/true);  // TRM/HRM fixtures: halt_exploration_prob = 0
}

Carry check_supervision_step(ModelUnderTest& m, const std::string& g, const Carry& carry_in, double loss_divisor,
                             std::vector<Check>& checks) {
  const GoldenFile& f = m.file;
  ActModel& model = *m.model;
  for (const auto& [name, p] : model.named_parameters()) p.mutable_grad() = torch::Tensor();
  const ActStep s = fixture_train_step(m, g, carry_in);
  const ActLoss l = act_loss(s.outputs, s.carry, m.loss_type);
  (l.loss / loss_divisor).backward();

  auto rel = [&](const std::string& name, const torch::Tensor& ours, double tol) {
    checks.push_back(compare_relative(g + "/" + name, ours, f.tensor(g + "/" + name), tol));
  };
  auto exact = [&](const std::string& name, const torch::Tensor& ours) {
    checks.push_back(compare_exact(g + "/" + name, ours, f.tensor(g + "/" + name)));
  };
  const double fwd = m.tol.forward;
  rel("outputs/logits", s.outputs.logits, fwd);
  rel("outputs/q_halt_logits", s.outputs.q_halt_logits, fwd);
  rel("outputs/q_continue_logits", s.outputs.q_continue_logits, fwd);
  const bool ref_has_target = f.has(g + "/outputs/target_q_continue");
  if (ref_has_target != s.outputs.target_q_continue.defined())
    checks.push_back(failed_check(g + "/outputs/target_q_continue", "present in only one of recur / reference"));
  else if (ref_has_target)
    rel("outputs/target_q_continue", s.outputs.target_q_continue, fwd);
  const double accuracy_slack = f.has(g + "/outputs/preds") ? check_preds(m, g, l, s.carry, checks) : 0.0;

  for (const auto& [name, t] : s.carry.to_named_tensors()) {
    if (find_named(s.carry.state, name).defined()) rel("carry/" + name, t, fwd);
    else exact("carry/" + name, t);
  }
  rel("loss", l.loss, m.tol.loss);
  exact("all_halted", l.all_halted);
  check_metrics(m, g, l, accuracy_slack, checks);

  for (const auto& [name, p] : model.named_parameters()) {
    const std::string ref = g + "/grads/" + name;
    if (!f.has(ref)) checks.push_back(failed_check(ref, "no reference gradient for this parameter"));
    else if (!p.grad().defined()) checks.push_back(failed_check(ref, "recur computed no gradient"));
    else rel("grads/" + name, p.grad(), m.tol.grads);
  }
  if (PuzzleEmbedding* pe = model.inner().puzzle_emb()) {
    exact("grads_puzzle_emb/local_ids", pe->local_ids());
    rel("grads_puzzle_emb/local_weights_grad", pe->local_grad(), m.tol.grads);
    const auto [row_ids, row_grad] = sum_rows_by_id(pe->local_ids(), pe->local_grad());
    exact("grads_puzzle_emb/row_ids", row_ids);
    rel("grads_puzzle_emb/row_grad", row_grad, m.tol.grads);
  }
  return s.carry;
}

void check_teacher_forced_steps(ModelUnderTest& m, std::vector<Check>& checks) {
  const int64_t n = m.config.n_steps, batch = m.config.batch_size;
  // step_k: fixed weights; gradients of the unscaled loss.
  for (int64_t k = 1; k <= n; ++k) {
    const Carry carry_in = k == 1 ? m.model->initial_carry(batch) : read_carry(m, step_group("", k - 1) + "/carry");
    check_supervision_step(m, step_group("", k), carry_in, 1.0, checks);
  }
  // train/step_k: the weights after k-1 optimizer steps; gradients of loss / global batch.
  for (int64_t k = 1; k <= n; ++k) {
    m.model->load_named_tensors(train_weights_after(m.file, k - 1), m.file.path() + ": train weights");
    const Carry carry_in =
        k == 1 ? m.model->initial_carry(batch) : read_carry(m, step_group("train/", k - 1) + "/carry");
    check_supervision_step(m, step_group("train/", k), carry_in, static_cast<double>(batch), checks);
  }
  m.model->load_named_tensors(m.file.tensors_under("weights"), m.file.path() + ": weights");
}

}  // namespace recur::trainer
