// Evaluating a checkpoint (see eval_run.h).
#include "trainer/train/eval_run.h"

#include <filesystem>

#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/weights.h"
#include "common/error.h"
#include "datasets/puzzle_file.h"
#include "datasets/test_loader.h"
#include "trainer/config/config_loader.h"
#include "trainer/train/evaluate.h"
#include "trainer/train/run_dir.h"
#include "trainer/train/session.h"

namespace recur::trainer {

nlohmann::json run_eval(const EvalOptions& options) {
  const checkpoints::CheckpointRef ref =
      checkpoints::open_checkpoint(checkpoints::resolve_checkpoint_path(options.checkpoint));
  const checkpoints::StateBundle saved = checkpoints::load_model_state(ref);
  const Config config = config_from_yaml(saved.get_string("config"), saved.source(), options.overrides);
  Session session = start_session(config.device, config.threads, config.watchdog_first_step_timeout_s);

  std::string data = options.data;
  if (data.empty()) data = config.data_paths_test.empty() ? config.data_paths.at(0) : config.data_paths_test.at(0);
  const datasets::PuzzleMetadata meta = datasets::read_puzzle_metadata(data);
  const bool ema = options.ema.value_or(config.ema);

  TrainState state = make_train_state(config, ModelShape{meta.vocab_size, meta.seq_len, meta.num_puzzle_identifiers},
                                      session.device, session.rank(), config.global_batch_size / session.world_size());
  state.model->load_named_tensors(checkpoints::model_weights(saved, ema), saved.source());

  datasets::TestLoader loader(data, {config.global_batch_size, session.rank(), session.world_size()});
  std::unique_ptr<ArcEvaluator> arc;
  for (const EvaluatorConfig& e : config.evaluators) {
    if (e.name != "arc") continue;
    std::optional<std::string> puzzles = datasets::read_test_puzzles(data);
    if (!puzzles) throw InputError(data, "the arc evaluator needs ARC data with /test_puzzles");
    arc = std::make_unique<ArcEvaluator>(datasets::read_identifiers(data), *puzzles, e, data);
  }
  EvalResult r = evaluate(state, loader, parse_loss_type(config.arch.loss.loss_type), arc.get(), *session.comm);
  if (!session.is_rank0()) return nlohmann::json();

  nlohmann::json row = {{"checkpoint", ref.folder}, {"step", ref.manifest.step}, {"weights", ema ? "ema" : "raw"}};
  for (const auto& [key, value] : r.metrics) row["eval/" + key] = value;
  if (r.arc && !options.out_dir.empty()) {
    std::filesystem::create_directories(options.out_dir);
    write_text_atomically(options.out_dir + "/submission.json", r.arc->submission.dump());
  }
  return row;
}

}  // namespace recur::trainer
