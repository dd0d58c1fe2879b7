// The training run (see train_loop.h).
#include "trainer/train/train_loop.h"

#include <c10/util/Exception.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/checkpoint_writer.h"
#include "common/error.h"
#include "datasets/loader_options.h"
#include "datasets/puzzle_file.h"
#include "datasets/test_loader.h"
#include "datasets/train_loader.h"
#include "distributed/startup_sync.h"
#include "trainer/config/config_loader.h"
#include "trainer/eval/evaluator_registry.h"
#include "trainer/memory/memory_meter.h"
#include "trainer/runtime/determinism.h"
#include "trainer/runtime/out_of_memory.h"
#include "trainer/train/data_fingerprint.h"
#include "trainer/train/evaluate.h"
#include "trainer/train/metrics_log.h"
#include "trainer/train/progress.h"
#include "trainer/train/rank_share.h"
#include "trainer/train/run_dir.h"
#include "trainer/train/run_dir_lock.h"
#include "trainer/train/run_record.h"
#include "trainer/train/session.h"
#include "trainer/train/stop_signals.h"
#include "trainer/train/tensorboard_log.h"
#include "trainer/train/train_step.h"

namespace recur::trainer {
namespace {

using Clock = std::chrono::steady_clock;

// recur trains on one dataset file per split (the reference can merge several).
std::string one_path(const std::vector<std::string>& paths, const char* key) {
  if (paths.size() != 1)
    throw InputError(key, "expected exactly one dataset file, got " + std::to_string(paths.size()) +
                              " (build one file with `recur data ...`)");
  return paths.front();
}

// The reference's step count: epochs * examples per epoch / global batch, truncated.
int64_t total_train_steps(const Config& c, const datasets::SplitMetadata& train) {
  return static_cast<int64_t>(static_cast<double>(c.epochs) * static_cast<double>(train.total_groups) *
                              train.mean_puzzle_examples / static_cast<double>(c.global_batch_size));
}

class Run {
 public:
  Run(Config config, const TrainOptions& options, Session& session);
  // Trains to the end or a stop; records how the process ended in run.json.
  int train();

 private:
  int train_iterations();
  void resume_or_initialise();
  void train_one(const datasets::Batch& batch);
  void log_train(const Metrics& m, double lr);
  void write_row(const nlohmann::json& row);
  void evaluate_and_log();
  void save(bool eval);
  bool step_budget_spent(int64_t first_step) const;
  void print_final_row(bool finished) const;
  double epoch() const;

  Config config_;
  Session& session_;
  std::unique_ptr<RunDirLock> lock_;  // rank 0: the run folder is ours
  std::string config_yaml_;
  std::string train_path_, test_path_;
  std::string data_fingerprint_;  // rank 0: recorded in each checkpoint
  datasets::PuzzleMetadata meta_;
  LossType loss_type_;
  TrainState state_;
  std::unique_ptr<datasets::TrainLoader> train_loader_;
  std::unique_ptr<datasets::TestLoader> test_loader_;
  Evaluators evaluators_;
  std::unique_ptr<MetricsLog> log_;
  std::unique_ptr<TensorBoardLog> tensorboard_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<RunRecord> record_;
  // Why training ended before the run's last step ("" when it did not).
  std::string stop_reason_;
  bool out_of_time_ = false;
  bool defer_checks_ = false;  // device_metrics on CUDA: read every log_interval (train_step.h)
  NonFiniteWatch non_finite_;
  int64_t total_steps_ = 0;
  int64_t total_iterations_ = 0;
  int64_t last_saved_step_ = -1;
  // Timing since the last metrics row.
  int64_t interval_steps_ = 0;
  double interval_seconds_ = 0;
  nlohmann::json last_eval_ = nlohmann::json::object();  // the last eval row's fields (rank 0)
};

Run::Run(Config config, const TrainOptions& options, Session& session)
    : config_(std::move(config)),
      session_(session),
      loss_type_(parse_loss_type(config_.arch.loss.loss_type)) {
  distributed::Communicator& comm = *session_.comm;
  if (!session_.is_rank0()) spdlog::set_level(spdlog::level::warn);
  config_.run_dir = resolve_run_dir(config_.run_dir, options.recipe_path, comm);
  config_yaml_ = config_to_yaml(config_);
  if (session_.is_rank0()) {
    lock_ = std::make_unique<RunDirLock>(config_.run_dir);  // before anything is written there
    prepare_run_dir(config_.run_dir, config_yaml_);
  }
  spdlog::info("run folder {} ({} rank(s), device {}, {} thread(s) per rank)", config_.run_dir,
               session_.world_size(), session_.device.str(), session_.threads);

  // Data.
  train_path_ = one_path(config_.data_paths, "data_paths");
  test_path_ = config_.data_paths_test.empty() ? train_path_ : one_path(config_.data_paths_test, "data_paths_test");
  meta_ = datasets::read_puzzle_metadata(train_path_);
  if (session_.is_rank0()) data_fingerprint_ = data_fingerprint(train_path_, test_path_);
  datasets::check_batch_slicing(config_.global_batch_size, session_.rank(), session_.world_size());
  const int64_t local_batch = config_.global_batch_size / session_.world_size();
  if (local_batch % config_.grad_accum_steps != 0)
    throw InputError("grad_accum_steps", std::to_string(config_.grad_accum_steps) +
                                             " must divide the local batch size " + std::to_string(local_batch));
  train_loader_ = std::make_unique<datasets::TrainLoader>(
      train_path_, datasets::TrainLoaderOptions{static_cast<uint64_t>(config_.seed), config_.global_batch_size,
                                                session_.rank(), session_.world_size(), config_.eval_interval});
  test_loader_ = std::make_unique<datasets::TestLoader>(
      test_path_, datasets::TestLoaderOptions{config_.global_batch_size, session_.rank(), session_.world_size()});
  evaluators_ = make_evaluators(config_.evaluators, test_path_);
  total_steps_ = total_train_steps(config_, meta_.train);
  total_iterations_ = config_.epochs / config_.eval_interval;

  // Model, then the state it resumes from.
  state_ = make_train_state(config_, ModelShape{meta_.vocab_size, meta_.seq_len, meta_.num_puzzle_identifiers},
                            session_.device, local_batch);
  defer_checks_ = defers_checks(config_, session_.device);
  resume_or_initialise();
  distributed::check_consistency(comm, config_yaml_, model_tensors(*state_.model));

  if (session_.is_rank0()) {
    log_ = std::make_unique<MetricsLog>(config_.run_dir + "/metrics.jsonl", state_.step);
    if (config_.log_tensorboard)
      tensorboard_ = std::make_unique<TensorBoardLog>(config_.run_dir + "/tensorboard", state_.step);
    progress_ = std::make_unique<Progress>(total_steps_, state_.step, 60.0 * config_.max_train_minutes);
    record_ = std::make_unique<RunRecord>(
        config_.run_dir, ProcessFacts{options.recipe_path, session_.world_size(), session_.device.str(),
                                      session_.threads, state_.step});
  }
  install_stop_signal_handlers();
}

void Run::resume_or_initialise() {
  distributed::Communicator& comm = *session_.comm;
  std::string folder;
  if (config_.resume == "auto" && session_.is_rank0()) {
    if (auto latest = checkpoints::find_latest_complete(config_.run_dir)) folder = latest->folder;
  }
  folder = distributed::broadcast_text_from_rank0(comm, folder, "resume_folder");
  if (!folder.empty()) {
    const checkpoints::CheckpointRef ref = checkpoints::open_checkpoint(folder);
    attach_optimizers(state_, config_);
    const checkpoints::StateBundle model = checkpoints::load_model_state(ref, model_load_targets(state_));
    if (model.get_string("config") != config_yaml_)
      spdlog::warn("the config differs from the one saved in {}; continuing with the new one", folder);
    bool data_changed = false;
    if (session_.is_rank0())
      data_changed = check_resume_data(model.has_record("data") ? model.get_string("data") : "", data_fingerprint_,
                                       folder, config_.resume_data_changed == "allow");
    data_changed = !distributed::broadcast_text_from_rank0(comm, data_changed ? "changed" : "", "data_changed").empty();
    const EvaluatorStates saved = restore_model_state(state_, model);
    if (session_.is_rank0() && !data_changed) {  // pooled votes of other data would mean nothing
      for (auto& e : evaluators_) {
        if (saved.count(e->name())) e->restore(saved.at(e->name()));
      }
    }
    datasets::LoaderCursor cursor = restore_rank_state(
        state_, load_rank_share(ref, session_.rank(), session_.world_size(), config_.global_batch_size));
    // On changed data (allowed) the old position may mean nothing: start its iteration over.
    if (data_changed && cursor.fingerprint != train_loader_->cursor().fingerprint)
      cursor = {cursor.iteration, 0, 0, train_loader_->cursor().fingerprint};
    train_loader_->restore(cursor);
    last_saved_step_ = state_.step;
    spdlog::info("resumed from {} (step {})", folder, state_.step);
    return;
  }
  if (!config_.init_from.empty()) {
    load_initial_weights(*state_.model, config_.init_from);
    spdlog::info("initial weights from {}", config_.init_from);
  }
  // Every rank starts from rank 0's weights (the init is seeded alike, init_from may not be).
  distributed::broadcast_from_rank0(comm, model_tensors(*state_.model));
  attach_optimizers(state_, config_);
}

double Run::epoch() const {
  const double per_epoch = static_cast<double>(meta_.train.total_groups) * meta_.train.mean_puzzle_examples;
  return per_epoch > 0 ? static_cast<double>(state_.step * config_.global_batch_size) / per_epoch : 0.0;
}

void Run::train_one(const datasets::Batch& b) {
  const auto start = Clock::now();
  state_.step += 1;
  const StepRates rates = rates_at_step(config_, state_.step, total_steps_);
  const StepMetrics step_metrics = train_step(state_, batch_to_device(b, session_.device), config_, loss_type_,
                                              rates, *session_.comm);
  // With deferred checks the metrics are read (a wait for the GPU) only when logged.
  const bool log_now = state_.step % config_.log_interval == 0 || state_.step == total_steps_;
  const bool read_now = log_now || !defer_checks_;
  Metrics m;
  if (defer_checks_) non_finite_.record(step_metrics, state_.step);
  if (read_now) {
    non_finite_.check();
    m = read_step_metrics(step_metrics, config_.global_batch_size);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  state_.train_seconds += seconds;
  interval_seconds_ += seconds;
  interval_steps_ += 1;
  // Start-up (data, first allocations) is over: collectives get the normal timeout.
  if (interval_steps_ == 1) session_.comm->set_watchdog_timeout(config_.watchdog_timeout_s);
  // Deferred steps are timed together, up to the read that waits for all of them.
  const double sps = config_.global_batch_size *
                     (defer_checks_ ? interval_steps_ / std::max(interval_seconds_, 1e-9) : 1 / std::max(seconds, 1e-9));
  if (log_now) log_train(m, rates.lr);
  if (progress_ && read_now)
    progress_->update(state_.step, m.at("loss"), m.count("accuracy") ? m.at("accuracy") : 0.0, sps,
                      state_.train_seconds);
}

void Run::log_train(const Metrics& m, double lr) {
  if (!log_) {
    interval_steps_ = interval_seconds_ = 0;
    return;
  }
  nlohmann::json row = {{"step", state_.step}, {"epoch", epoch()}, {"lr", lr},
                        {"train_seconds", state_.train_seconds}};
  for (const auto& [key, value] : m) {
    if (key != "count") row[key] = value;
  }
  const double per_step = interval_seconds_ / std::max<int64_t>(interval_steps_, 1);
  row["ms_per_step"] = 1000.0 * per_step;
  row["samples_per_s"] = config_.global_batch_size / std::max(per_step, 1e-9);
  row["peak_mem_mb"] = memory_stats(session_.device).peak_bytes / (1024.0 * 1024.0);
  write_row(row);
  interval_steps_ = 0;
  interval_seconds_ = 0;
}

// Rank 0: one row to metrics.jsonl and, with log_tensorboard, to the event file.
void Run::write_row(const nlohmann::json& row) {
  log_->write(row);
  if (tensorboard_) tensorboard_->write(row);
}

void Run::evaluate_and_log() {
  non_finite_.check();
  const auto start = Clock::now();
  EvalResult r = evaluate(state_, *test_loader_, loss_type_, evaluators_, *session_.comm);
  if (!session_.is_rank0()) return;
  last_eval_ = r.row;
  nlohmann::json row = {{"step", state_.step}, {"epoch", epoch()}, {"train_seconds", state_.train_seconds}};
  for (const auto& [key, value] : r.row.items()) row["eval/" + key] = value;
  row["eval_seconds"] = std::chrono::duration<double>(Clock::now() - start).count();
  write_row(row);
  progress_->message("eval at step " + std::to_string(state_.step) + ":" + r.summary);
  if (evaluators_.empty()) return;
  const std::string dir = eval_output_dir(config_.run_dir, state_.step);
  std::filesystem::create_directories(dir);
  for (const auto& e : evaluators_) e->write_outputs(dir, state_.step);
}

void Run::save(bool eval) {
  if (state_.step == last_saved_step_ && !eval) return;
  non_finite_.check();  // never a checkpoint of weights a non-finite step updated
  distributed::Communicator& comm = *session_.comm;
  checkpoints::StateBundle model;
  if (session_.is_rank0()) {
    EvaluatorStates states;
    for (const auto& e : evaluators_) states[e->name()] = e->state();
    model = model_state_bundle(state_, config_yaml_, data_fingerprint_, states);
  }
  const checkpoints::StateBundle rank = rank_state_bundle(state_, train_loader_->cursor());
  checkpoints::SaveOptions options{config_.run_dir, state_.step, session_.rank(), session_.world_size(), eval,
                                   {config_.keep_checkpoints, config_.keep_eval_checkpoints}};
  // Rank 0's write can take a while: peers wait in the all-ok collective.
  comm.set_watchdog_timeout(config_.watchdog_first_step_timeout_s);
  const std::string folder = checkpoints::save_checkpoint(
      options, session_.is_rank0() ? &model : nullptr, rank,
      [&comm](bool ok) { return !comm.agree_any(!ok, "checkpoint_ok"); });
  comm.set_watchdog_timeout(config_.watchdog_timeout_s);
  last_saved_step_ = state_.step;
  spdlog::info("checkpoint {}", folder);
}

// stop_after_steps: every rank counts the same steps, so no collective is
// needed. A run that reaches its last step finishes normally instead (final
// evaluation and checkpoint), so repeating the same command completes it.
bool Run::step_budget_spent(int64_t first_step) const {
  return config_.stop_after_steps > 0 && state_.step - first_step >= config_.stop_after_steps &&
         state_.step < total_steps_;
}

// The last stdout line: where the run stands, with the final eval metrics.
void Run::print_final_row(bool finished) const {
  if (!session_.is_rank0()) return;
  nlohmann::json row = {{"step", state_.step}, {"finished", finished}, {"train_seconds", state_.train_seconds},
                        {"run_dir", config_.run_dir}};
  for (const auto& [key, value] : last_eval_.items()) row["eval/" + key] = value;
  std::cout << row.dump() << std::endl;
}

int Run::train_iterations() {
  distributed::Communicator& comm = *session_.comm;
  const int64_t first_step = state_.step;
  while (train_loader_->cursor().iteration < total_iterations_ && !out_of_time_) {
    while (std::optional<datasets::Batch> batch = train_loader_->next()) {
      if (state_.step >= total_steps_) continue;  // the reference skips batches past the total
      train_one(*batch);
      // Stop decisions are collective: a signal or the clock may reach one rank first.
      if (comm.agree_any(stop_signal_received() != 0, "stop_signal")) {
        if (progress_) progress_->message("stop signal received: writing a checkpoint, then exiting 75");
        save(/*eval=*/false);
        stop_reason_ = "stop signal (SIGUSR1/SIGTERM)";
        return kExitRequeue;
      }
      if (step_budget_spent(first_step)) {
        if (progress_) progress_->message("stop_after_steps reached at step " + std::to_string(state_.step));
        save(/*eval=*/false);
        if (progress_) progress_->finish();
        print_final_row(/*finished=*/false);
        stop_reason_ = "stop_after_steps";
        return 0;
      }
      const bool over_budget =
          config_.max_train_minutes > 0 && state_.train_seconds >= 60.0 * config_.max_train_minutes;
      if (comm.agree_any(over_budget, "time_budget")) {
        out_of_time_ = true;
        if (progress_) progress_->message("max_train_minutes reached at step " + std::to_string(state_.step));
        break;
      }
      if (config_.checkpoint_interval > 0 && state_.step % config_.checkpoint_interval == 0) save(false);
    }
    const int64_t done = train_loader_->cursor().iteration;
    const bool last = out_of_time_ || done >= total_iterations_;
    if (done > config_.min_eval_interval || last) {
      evaluate_and_log();
      if (config_.checkpoint_every_eval || last) save(/*eval=*/true);
    }
  }
  if (progress_) progress_->finish();
  print_final_row(/*finished=*/true);
  return 0;
}

int Run::train() {
  try {
    const int status = train_iterations();
    if (record_) {
      if (!stop_reason_.empty()) record_->end("stopped", status, state_.step, stop_reason_);
      else record_->end("finished", status, state_.step, out_of_time_ ? "max_train_minutes reached" : "");
    }
    return status;
  } catch (const std::exception& e) {
    if (record_) {
      const c10::Error* torch_error = dynamic_cast<const c10::Error*>(&e);
      try {
        record_->end("failed", dynamic_cast<const InputError*>(&e) ? 2 : 1, state_.step,
                     torch_error ? torch_error->what_without_backtrace() : e.what());
      } catch (const std::exception& record_error) {
        // A full disk fails run.json too: the error that ended the run is the one to report.
        spdlog::warn("the failure is not recorded in run.json: {}", record_error.what());
      }
    }
    throw;
  }
}

}  // namespace

int run_training(const Config& config, const TrainOptions& options) {
  Session session = start_session(config.device, config.threads, config.watchdog_first_step_timeout_s);
  apply_determinism(config.deterministic);
  try {
    Run run(config, options, session);
    return run.train();
  } catch (const std::exception& e) {
    if (session.world_size() == 1) throw;
    // One rank failing alone would leave the others waiting in a collective
    // until their watchdog fires: end the whole job now, with the same status
    // main would give (2 for bad input, 1 otherwise).
    const bool input = dynamic_cast<const InputError*>(&e) != nullptr;
    const c10::Error* torch_error = dynamic_cast<const c10::Error*>(&e);
    const auto* oom = dynamic_cast<const c10::OutOfMemoryError*>(&e);
    std::cerr << "recur: error: rank " << session.rank() << ": "
              << (oom ? out_of_memory_message(*oom) : torch_error ? torch_error->what_without_backtrace() : e.what())
              << std::endl;
    session.mpi->abort_job(input ? 2 : 1);
  }
}

}  // namespace recur::trainer
