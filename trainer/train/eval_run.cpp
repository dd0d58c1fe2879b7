// Evaluating checkpoints (see eval_run.h).
#include "trainer/train/eval_run.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>

#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/weights.h"
#include "common/error.h"
#include "datasets/puzzle_file.h"
#include "datasets/test_loader.h"
#include "trainer/config/config_loader.h"
#include "trainer/eval/evaluator_registry.h"
#include "trainer/train/evaluate.h"
#include "trainer/train/metrics_log.h"
#include "trainer/train/session.h"

namespace recur::trainer {
namespace {

struct EvalPlan {
  std::string scope;  // run | checkpoint | checkpoints
  std::vector<checkpoints::CheckpointRef> checkpoints;
};

bool any_pools(const Evaluators& evaluators) {
  for (const auto& e : evaluators) {
    if (e->pools_evaluations()) return true;
  }
  return false;
}

// The steps of the run's logged evaluations (metrics.jsonl), if it has the file.
std::set<int64_t> logged_eval_steps(const std::string& run_dir) {
  std::set<int64_t> steps;
  const std::string path = run_dir + "/metrics.jsonl";
  if (!std::filesystem::exists(path)) return steps;
  for (const nlohmann::json& row : read_metrics(path)) {
    if (row.contains("eval_seconds")) steps.insert(row.at("step").get<int64_t>());
  }
  return steps;
}

// A run pooled over its evaluations is replayed from all of them, and each
// logged evaluation must have its checkpoint.
void check_every_evaluation_kept(const std::string& run_dir, const std::vector<checkpoints::CheckpointRef>& evals) {
  std::set<int64_t> kept;
  for (const auto& ref : evals) kept.insert(ref.manifest.step);
  std::string missing;
  for (int64_t step : logged_eval_steps(run_dir)) {
    if (!kept.count(step)) missing += (missing.empty() ? "" : ", ") + std::to_string(step);
  }
  if (!missing.empty())
    throw InputError(run_dir, "the run pools votes over its evaluations, but the checkpoints of the evaluations at "
                              "step(s) " + missing + " were not kept (checkpoint_every_eval: false, or removed), so "
                              "its logged score cannot be replayed; score one checkpoint with `recur eval "
                              "RUN/checkpoints/step_N`, or pass the kept ones in order");
}

}  // namespace

nlohmann::json run_eval(const EvalOptions& options) {
  if (options.checkpoints.empty()) throw InputError("recur eval", "name a run folder or checkpoint(s)");
  EvalPlan plan;
  std::optional<std::string> run_dir;
  if (options.checkpoints.size() == 1) run_dir = checkpoints::run_folder_of(options.checkpoints.front());
  if (run_dir) {
    plan = {"run", checkpoints::eval_checkpoints(*run_dir)};
    if (plan.checkpoints.empty()) throw InputError(*run_dir, "the run has no evaluation checkpoint to re-score");
  } else {
    plan.scope = options.checkpoints.size() == 1 ? "checkpoint" : "checkpoints";
    for (const std::string& path : options.checkpoints)
      plan.checkpoints.push_back(checkpoints::open_checkpoint(checkpoints::resolve_checkpoint_path(path)));
  }
  // The model, data and evaluators are those of the last checkpoint's config.
  const Config config = config_from_yaml(checkpoints::load_model_state(plan.checkpoints.back()).get_string("config"),
                                         plan.checkpoints.back().folder, options.overrides);
  Session session = start_session(config.device, config.threads, config.watchdog_first_step_timeout_s);

  std::string data = options.data;
  if (data.empty()) data = config.data_paths_test.empty() ? config.data_paths.at(0) : config.data_paths_test.at(0);
  const datasets::PuzzleMetadata meta = datasets::read_puzzle_metadata(data);
  const bool ema = options.ema.value_or(config.ema);
  Evaluators evaluators = make_evaluators(config.evaluators, data);
  if (run_dir && any_pools(evaluators)) {
    check_every_evaluation_kept(*run_dir, plan.checkpoints);
  } else if (run_dir) {
    plan.checkpoints = {plan.checkpoints.back()};  // nothing pools: the last evaluation alone
  }
  if (plan.scope == "checkpoint" && any_pools(evaluators) && session.is_rank0())
    spdlog::info("scoring {} alone; the run pooled the votes of all its evaluations (aggregated_voting): "
                 "`recur eval RUN_DIR` reproduces its logged number",
                 plan.checkpoints.front().folder);

  TrainState state = make_train_state(config, ModelShape{meta.vocab_size, meta.seq_len, meta.num_puzzle_identifiers},
                                      session.device, config.global_batch_size / session.world_size());
  datasets::TestLoader loader(data, {config.global_batch_size, session.rank(), session.world_size()});
  const LossType loss_type = parse_loss_type(config.arch.loss.loss_type);
  EvalResult r;
  nlohmann::json folders = nlohmann::json::array();
  for (const checkpoints::CheckpointRef& ref : plan.checkpoints) {
    const checkpoints::StateBundle saved = checkpoints::load_model_state(ref);
    state.model->load_named_tensors(checkpoints::model_weights(saved, ema), saved.source());
    if (plan.checkpoints.size() > 1 && session.is_rank0())
      spdlog::info("evaluating {} ({} of {})", ref.folder, folders.size() + 1, plan.checkpoints.size());
    r = evaluate(state, loader, loss_type, evaluators, *session.comm);
    folders.push_back(ref.folder);
  }
  if (!session.is_rank0()) return nlohmann::json();

  const checkpoints::CheckpointRef& last = plan.checkpoints.back();
  nlohmann::json row = {{"scope", plan.scope},
                        {"checkpoints", folders},
                        {"checkpoint", last.folder},
                        {"step", last.manifest.step},
                        {"weights", ema ? "ema" : "raw"}};
  for (const auto& [key, value] : r.row.items()) row["eval/" + key] = value;
  if (!evaluators.empty() && !options.out_dir.empty()) {
    std::filesystem::create_directories(options.out_dir);
    for (const auto& e : evaluators) e->write_outputs(options.out_dir, last.manifest.step);
  }
  return row;
}

}  // namespace recur::trainer
