// ARC voting and pass@K (see arc_evaluator.h).
#include "trainer/eval/arc_evaluator.h"

#include <cmath>
#include <filesystem>

#include "checkpoints/atomic_file.h"
#include "common/error.h"
#include "datasets/arc_augmentation.h"
#include "trainer/eval/wilson_interval.h"

namespace recur::trainer {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

nlohmann::json pair_json(const datasets::ArcPair& p) {
  return {{"input", datasets::grid_to_json(p.input)}, {"output", datasets::grid_to_json(p.output)}};
}

}  // namespace

ArcEvaluator::ArcEvaluator(std::vector<std::string> identifiers, const std::string& test_puzzles_json,
                           const EvaluatorConfig& config, const std::string& file, int canvas)
    : identifiers_(std::move(identifiers)), config_(config), canvas_(canvas) {
  nlohmann::json puzzles = nlohmann::json::parse(test_puzzles_json, nullptr, /*allow_exceptions=*/false);
  if (!puzzles.is_object()) throw InputError(file, "/test_puzzles is not a JSON object of ARC tasks");
  for (const auto& [name, task_json] : puzzles.items()) {  // nlohmann's object order is sorted
    datasets::ArcTask task = datasets::parse_arc_task(task_json.dump(), name, file + ": /test_puzzles",
                                                      datasets::TestOutputs::kOptional);
    ArcTestTask t;
    t.name = name;
    t.demonstrations = task.train;
    for (const datasets::ArcPair& pair : task.test) t.inputs.push_back({grid_hash(pair.input), pair.input, pair.output});
    task_index_[name] = static_cast<int32_t>(tasks_.size());
    tasks_.push_back(std::move(t));
  }
  if (tasks_.empty()) throw InputError(file, "/test_puzzles holds no task: nothing to score");
}

std::unique_ptr<Evaluator> ArcEvaluator::make(const EvaluatorConfig& config, const EvalDataset& data) {
  std::optional<std::string> puzzles = datasets::read_test_puzzles(data.path);
  if (!puzzles) throw InputError(data.path, "the arc evaluator needs ARC data with /test_puzzles");
  const int canvas = datasets::arc_canvas_side(data.metadata.seq_len);
  if (canvas == 0 || data.metadata.vocab_size != datasets::kArcVocabSize)
    throw InputError(data.path, "the arc evaluator needs ARC data (vocab 12 on a square canvas), got vocab_size " +
                                    std::to_string(data.metadata.vocab_size) + ", seq_len " +
                                    std::to_string(data.metadata.seq_len));
  return std::make_unique<ArcEvaluator>(datasets::read_identifiers(data.path), *puzzles, config, data.path, canvas);
}

void ArcEvaluator::begin() {
  local_.clear();
  if (!config_.aggregated_voting) pooled_.clear();
}

void ArcEvaluator::consume(const EvalBatch& b) {
  const int64_t rows = b.inputs.size(0), seq_len = b.inputs.size(1);
  if (seq_len != int64_t(canvas_) * canvas_)
    throw std::logic_error("ARC evaluator: batch of seq_len " + std::to_string(seq_len) + " on a canvas of " +
                           std::to_string(canvas_));
  const int32_t* inputs = b.inputs.data_ptr<int32_t>();
  const int32_t* preds = b.predictions.data_ptr<int32_t>();
  const float* q_halt = b.q_halt_logits.data_ptr<float>();
  const int32_t* ids = b.puzzle_identifiers.data_ptr<int32_t>();
  for (int64_t i = 0; i < rows; ++i) {
    const int32_t id = ids[i];
    if (id == b.blank_identifier_id) continue;
    if (id < 0 || id >= static_cast<int32_t>(identifiers_.size()))
      throw std::runtime_error("ARC evaluator: puzzle id " + std::to_string(id) + " has no identifier");
    datasets::ParsedArcName name = datasets::parse_augmented_name(identifiers_[id]);
    auto task = task_index_.find(name.task);
    if (task == task_index_.end()) continue;  // a training-only task: nothing to score
    datasets::Grid input = datasets::unaugment_grid(datasets::crop_arc_grid(inputs + i * seq_len, canvas_), name.aug);
    datasets::Grid pred = datasets::unaugment_grid(datasets::crop_arc_grid(preds + i * seq_len, canvas_), name.aug);
    local_.add(task->second, grid_hash(input), pred, sigmoid(q_halt[i]));
  }
}

int64_t ArcEvaluator::truth_rank(int32_t task, const ArcTestInput& in) const {
  if (in.output.rows == 0) return -1;
  const std::vector<const Candidate*> ranked = pooled_.ranked({task, in.input_hash});
  const uint64_t truth = grid_hash(in.output);
  for (size_t j = 0; j < ranked.size(); ++j) {
    if (grid_hash(ranked[j]->grid) == truth) return static_cast<int64_t>(j);
  }
  return -1;
}

nlohmann::json ArcEvaluator::result() const {
  std::map<int64_t, double> score_sum;  // K -> sum of task scores
  int64_t scored = 0;
  for (int32_t t = 0; t < static_cast<int32_t>(tasks_.size()); ++t) {
    const ArcTestTask& task = tasks_[t];
    if (!task.scored()) continue;
    scored += 1;
    std::vector<int64_t> ranks;
    for (const ArcTestInput& in : task.inputs) ranks.push_back(truth_rank(t, in));
    for (int64_t k : config_.pass_Ks) {
      int64_t solved = 0;
      for (int64_t r : ranks) solved += r >= 0 && r < k;
      const double n = static_cast<double>(ranks.size());
      score_sum[k] += config_.task_rule == "all" ? (solved == static_cast<int64_t>(n) ? 1.0 : 0.0) : solved / n;
    }
  }
  nlohmann::json out = {{"ARC/task_rule", config_.task_rule}, {"ARC/tasks", scored}};
  if (scored == 0) return out;  // a hidden test set: nothing to compare with
  for (int64_t k : config_.pass_Ks)
    add_with_interval(out, "ARC/pass@" + std::to_string(k), score_sum[k] / scored, static_cast<double>(scored));
  return out;
}

nlohmann::json ArcEvaluator::submission() const {
  nlohmann::json out = nlohmann::json::object();
  for (int32_t t = 0; t < static_cast<int32_t>(tasks_.size()); ++t) {
    nlohmann::json attempts = nlohmann::json::array();
    for (const ArcTestInput& in : tasks_[t].inputs) {
      const std::vector<const Candidate*> ranked = pooled_.ranked({t, in.input_hash});
      // Fewer candidates than attempts repeat the best one; none at all
      // gives the reference's placeholder [[0]].
      nlohmann::json entry = nlohmann::json::object();
      for (int64_t a = 0; a < config_.submission_K; ++a) {
        entry["attempt_" + std::to_string(a + 1)] =
            ranked.empty() ? nlohmann::json::array({nlohmann::json::array({0})})
                           : datasets::grid_to_json(ranked[std::min<size_t>(a, ranked.size() - 1)]->grid);
      }
      attempts.push_back(entry);
    }
    out[tasks_[t].name] = attempts;
  }
  return out;
}

nlohmann::json ArcEvaluator::predictions(int64_t step) const {
  nlohmann::json tasks = nlohmann::json::object();
  for (int32_t t = 0; t < static_cast<int32_t>(tasks_.size()); ++t) {
    const ArcTestTask& task = tasks_[t];
    nlohmann::json demos = nlohmann::json::array();
    for (const datasets::ArcPair& p : task.demonstrations) demos.push_back(pair_json(p));
    nlohmann::json tests = nlohmann::json::array();
    for (const ArcTestInput& in : task.inputs) {
      const std::vector<const Candidate*> ranked = pooled_.ranked({t, in.input_hash});
      int64_t votes = 0;
      for (const Candidate* c : ranked) votes += c->count;
      nlohmann::json candidates = nlohmann::json::array();
      for (size_t j = 0; j < ranked.size() && static_cast<int64_t>(j) < config_.saved_candidates; ++j)
        candidates.push_back(
            {{"grid", datasets::grid_to_json(ranked[j]->grid)}, {"count", ranked[j]->count}, {"mean_q", ranked[j]->mean_q()}});
      const int64_t rank = truth_rank(t, in);
      tests.push_back({{"input", datasets::grid_to_json(in.input)},
                       {"output", in.output.rows > 0 ? datasets::grid_to_json(in.output) : nlohmann::json()},
                       {"votes", votes},
                       {"distinct", ranked.size()},
                       {"truth_rank", rank >= 0 ? nlohmann::json(rank + 1) : nlohmann::json()},
                       {"candidates", candidates}});
    }
    tasks[task.name] = {{"train", demos}, {"test", tests}};
  }
  return {{"format", "recur-arc-predictions"},
          {"version", 1},
          {"step", step},
          {"task_rule", config_.task_rule},
          {"aggregated_voting", config_.aggregated_voting},
          {"pass_Ks", config_.pass_Ks},
          {"saved_candidates", config_.saved_candidates},
          {"tasks", tasks}};
}

void ArcEvaluator::write_outputs(const std::string& dir, int64_t step) const {
  checkpoints::write_text_file_atomically((std::filesystem::path(dir) / "submission.json").string(), submission().dump());
  checkpoints::write_text_file_atomically((std::filesystem::path(dir) / "arc_predictions.json").string(), predictions(step).dump());
}

void ArcEvaluator::restore(const std::vector<uint8_t>& bytes) {
  pooled_.clear();
  pooled_.merge_bytes(bytes);
}

}  // namespace recur::trainer
