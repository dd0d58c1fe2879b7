// Predicting unseen ARC tasks (see predict_run.h).
#include "trainer/train/predict_run.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "checkpoints/atomic_file.h"
#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/weights.h"
#include "common/error.h"
#include "datasets/arc_builder.h"
#include "datasets/arc_encoding.h"
#include "datasets/parallel_for.h"
#include "datasets/test_loader.h"
#include "trainer/config/config_loader.h"
#include "trainer/eval/arc_evaluator.h"
#include "trainer/memory/memory_meter.h"
#include "trainer/train/adaptation.h"
#include "trainer/train/evaluate.h"
#include "trainer/train/session.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;

// The temporary puzzle file of the new tasks, removed however predict ends.
struct TemporaryFile {
  std::string path;
  ~TemporaryFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// The canvas and augmentation count the model was trained with, from its
// training data file; --canvas / --augment take their place when it is gone.
struct BuildSettings {
  int canvas = 0;
  int augment = 0;
};

BuildSettings training_build_settings(const Config& config, const PredictOptions& o) {
  BuildSettings b{o.canvas.value_or(0), o.augment.value_or(-1)};
  const std::string train = config.data_paths.empty() ? "" : config.data_paths.front();
  if ((b.canvas == 0 || b.augment < 0) && !train.empty() && fs::exists(train)) {
    const datasets::PuzzleMetadata meta = datasets::read_puzzle_metadata(train);
    if (b.canvas == 0) b.canvas = datasets::arc_canvas_side(meta.seq_len);
    if (meta.vocab_size != datasets::kArcVocabSize || b.canvas == 0)
      throw InputError(train, "the checkpoint was not trained on ARC data (vocab 12 on a square canvas)");
    const nlohmann::json builder = nlohmann::json::parse(meta.builder_json, nullptr, false);
    if (b.augment < 0 && builder.is_object() && builder.contains("arguments"))
      b.augment = builder["arguments"].value("augment", -1);
  }
  if (b.canvas == 0 || b.augment < 0)
    throw InputError(train.empty() ? o.checkpoint : train,
                     "cannot read the training data to learn its canvas and augmentation count: pass --canvas and "
                     "--augment");
  return b;
}

// The ARC evaluator of the run (its task_rule) scoring pass@1 and pass@2 of one evaluation.
EvaluatorConfig arc_evaluator_config(const Config& config) {
  EvaluatorConfig arc;
  for (const EvaluatorConfig& e : config.evaluators) {
    if (e.name == "arc") arc = e;
  }
  arc.name = "arc";
  arc.aggregated_voting = false;
  arc.pass_Ks = {1, 2};
  return arc;
}

double max_rss_mb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

}  // namespace

nlohmann::json run_predict(const PredictOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.adapt != "embeddings" && o.adapt != "all")
    throw InputError("--adapt", "must be embeddings or all, got '" + o.adapt + "'");
  if (o.steps < 0) throw InputError("--steps", "must be 0 or more");
  const checkpoints::CheckpointRef ref =
      checkpoints::open_checkpoint(checkpoints::resolve_checkpoint_path(o.checkpoint));
  const double model_h5_mb =
      static_cast<double>(fs::file_size(fs::path(ref.folder) / "model.h5")) / (1024.0 * 1024.0);
  Config config;
  checkpoints::NamedTensors weights;
  bool ema = false;
  {
    const checkpoints::StateBundle saved = checkpoints::load_model_state(ref);
    config = config_from_yaml(saved.get_string("config"), ref.folder, o.overrides);
    ema = o.ema.value_or(config.ema);
    weights = checkpoints::model_weights(saved, ema);
  }
  config.freeze_weights = o.adapt == "embeddings";
  config.ema = false;  // the adapted weights themselves are evaluated
  Session session = start_session(config.device, config.threads, config.watchdog_first_step_timeout_s);
  if (session.world_size() != 1) throw InputError("recur predict", "runs as one process: start it without mpirun");

  // 1. The new tasks, augmented as the training data was.
  const BuildSettings build = training_build_settings(config, o);
  const fs::path out_dir = fs::path(o.out).parent_path();
  if (!out_dir.empty()) fs::create_directories(out_dir);
  TemporaryFile data{(out_dir / (".recur-predict-" + std::to_string(::getpid()) + ".h5")).string()};
  datasets::ArcBuildOptions b;
  b.subsets = {o.challenges};
  b.test_set = o.challenges;
  b.test_solutions = o.solutions;
  b.out = data.path;
  b.augment = build.augment;
  b.seed = o.seed;
  b.canvas = build.canvas;
  b.threads = datasets::default_thread_count();
  const datasets::ArcBuildReport report = datasets::build_arc_dataset(b);
  const datasets::PuzzleMetadata meta = datasets::read_puzzle_metadata(data.path);
  spdlog::info("recur predict: {} tasks in up to {} versions each: {} demonstration rows, {} test rows, {} new "
               "puzzle-embedding rows",
               report.tasks, build.augment + 1, report.train.total_examples, report.test.total_examples,
               meta.num_puzzle_identifiers - 1);

  // 2. The checkpoint's model with a new table of zero rows.
  TrainState state = make_train_state(config, ModelShape{meta.vocab_size, meta.seq_len, meta.num_puzzle_identifiers},
                                      session.device, config.global_batch_size);
  load_weights_into(*state.model, std::move(weights), ref.folder, NewPuzzleRows::kZeros);
  weights.clear();
  attach_optimizers(state, config);

  // 3. Adaptation on the demonstrations.
  if (o.steps > 0 && config.lr_warmup_steps >= o.steps)
    spdlog::warn("lr_warmup_steps ({}) is not shorter than the adaptation ({} steps): the rates never reach their "
                 "peak; lower it with lr_warmup_steps=N",
                 config.lr_warmup_steps, o.steps);
  if (o.steps > 0) spdlog::info("adapting {} for {} steps", o.adapt == "all" ? "every weight" : "the puzzle embeddings", o.steps);
  Metrics adapted;
  {
    Progress progress(o.steps, 0);
    adapted = adapt_to_tasks(state, config, data.path, o.steps, *session.comm, &progress);
    progress.finish();
  }

  // 4. Inference on every augmented test input, and the vote.
  datasets::TestLoader loader(data.path, {config.global_batch_size, 0, 1});
  Evaluators evaluators;
  evaluators.push_back(ArcEvaluator::make(arc_evaluator_config(config), EvalDataset{data.path, meta}));
  EvalResult r;
  {
    Progress progress(loader.num_batches(), 0);
    const auto inference_start = std::chrono::steady_clock::now();
    r = evaluate(state, loader, parse_loss_type(config.arch.loss.loss_type), evaluators, *session.comm,
                 [&](int64_t batches) {
                   const double s =
                       std::chrono::duration<double>(std::chrono::steady_clock::now() - inference_start).count();
                   progress.update_count(batches, batches * config.global_batch_size / std::max(s, 1e-9),
                                         "inference batch");
                 });
    progress.finish();
  }
  const auto& arc = static_cast<const ArcEvaluator&>(*evaluators.front());
  checkpoints::write_text_file_atomically(o.out, arc.submission().dump());
  const std::string predictions = (fs::path(o.out).replace_extension(".predictions.json")).string();
  checkpoints::write_text_file_atomically(predictions, arc.predictions(ref.manifest.step).dump());

  const bool scored = r.row.value("ARC/tasks", 0) > 0;
  const std::string solutions = o.solutions.empty() ? datasets::arc_solutions_path(o.challenges) : o.solutions;
  nlohmann::json row = {{"checkpoint", ref.folder},
                        {"challenges", o.challenges},
                        {"solutions", scored ? nlohmann::json(solutions) : nlohmann::json()},
                        {"submission", o.out},
                        {"predictions", predictions},
                        {"tasks", report.tasks},
                        {"augment", build.augment},
                        {"adapt", o.steps > 0 ? o.adapt : "none"},
                        {"steps", o.steps},
                        {"weights", ema ? "ema" : "raw"}};
  for (const auto& [key, value] : adapted) row["adapt/" + key] = value;
  for (const auto& [key, value] : r.row.items()) {
    if (key.rfind("ARC/", 0) == 0) row[key] = value;
  }
  row["model_h5_mb"] = model_h5_mb;
  row["peak_mem_mb"] = memory_stats(session.device).peak_bytes / (1024.0 * 1024.0);
  row["max_rss_mb"] = max_rss_mb();
  row["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return row;
}

}  // namespace recur::trainer
