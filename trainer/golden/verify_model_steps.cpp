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

void check_metrics(const ModelUnderTest& m, const std::string& g, const ActLoss& l, std::vector<Check>& checks) {
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

Carry check_supervision_step(ModelUnderTest& m, const std::string& g, const Carry& carry_in, double loss_divisor,
                             std::vector<Check>& checks) {
  const GoldenFile& f = m.file;
  ActModel& model = *m.model;
  for (const auto& [name, p] : model.named_parameters()) p.mutable_grad() = torch::Tensor();
  const ActStep s = model.step(carry_in, read_batch(m, g + "/batch"), /*training=*/true);
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
  if (f.has(g + "/outputs/preds")) {
    if (m.tol.preds_fraction < 1)
      checks.push_back(compare_fraction_within(g + "/outputs/preds", l.preds, f.tensor(g + "/outputs/preds"), 0,
                                               m.tol.preds_fraction));
    else
      exact("outputs/preds", l.preds);
  }

  for (const auto& [name, t] : s.carry.to_named_tensors()) {
    if (find_named(s.carry.state, name).defined()) rel("carry/" + name, t, fwd);
    else exact("carry/" + name, t);
  }
  rel("loss", l.loss, m.tol.loss);
  exact("all_halted", l.all_halted);
  check_metrics(m, g, l, checks);

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
