// ARC voting and pass@K (see arc_evaluator.h).
#include "trainer/eval/arc_evaluator.h"

#include <cmath>

#include "common/error.h"
#include "datasets/arc_augmentation.h"
#include "datasets/arc_encoding.h"
#include "datasets/arc_task.h"

namespace recur::trainer {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

ArcEvaluator::ArcEvaluator(std::vector<std::string> identifiers, const std::string& test_puzzles_json,
                           const EvaluatorConfig& config, const std::string& file)
    : identifiers_(std::move(identifiers)), config_(config) {
  nlohmann::json puzzles = nlohmann::json::parse(test_puzzles_json, nullptr, /*allow_exceptions=*/false);
  if (!puzzles.is_object()) throw InputError(file, "/test_puzzles is not a JSON object of ARC tasks");
  for (const auto& [name, task_json] : puzzles.items()) {  // nlohmann's object order is sorted
    datasets::ArcTask task = datasets::parse_arc_task(task_json.dump(), name, file + ": /test_puzzles");
    ArcTestTask t;
    t.name = name;
    for (const auto& pair : task.test) t.inputs.push_back({grid_hash(pair.input), pair.output});
    task_index_[name] = static_cast<int32_t>(tasks_.size());
    tasks_.push_back(std::move(t));
  }
  if (tasks_.empty()) throw InputError(file, "/test_puzzles holds no task: nothing to score");
}

void ArcEvaluator::begin_eval() {
  local_.clear();
  if (!config_.aggregated_voting) pooled_.clear();
}

void ArcEvaluator::add_batch(const int32_t* inputs, const int32_t* preds, const float* q_halt,
                             const int32_t* puzzle_ids, int64_t rows, int64_t seq_len, int32_t blank_id) {
  if (seq_len != datasets::kArcSeqLen)
    throw InputError("evaluators", "the ARC evaluator needs 30x30 ARC data (seq_len 900), got seq_len " +
                                       std::to_string(seq_len));
  for (int64_t i = 0; i < rows; ++i) {
    const int32_t id = puzzle_ids[i];
    if (id == blank_id) continue;
    if (id < 0 || id >= static_cast<int32_t>(identifiers_.size()))
      throw std::runtime_error("ARC evaluator: puzzle id " + std::to_string(id) + " has no identifier");
    datasets::ParsedArcName name = datasets::parse_augmented_name(identifiers_[id]);
    auto task = task_index_.find(name.task);
    if (task == task_index_.end()) continue;  // a training-only task: nothing to score
    datasets::Grid input = datasets::unaugment_grid(datasets::crop_arc_grid(inputs + i * seq_len), name.aug);
    datasets::Grid pred = datasets::unaugment_grid(datasets::crop_arc_grid(preds + i * seq_len), name.aug);
    local_.add(task->second, grid_hash(input), pred, sigmoid(q_halt[i]));
  }
}

ArcResult ArcEvaluator::result() const {
  ArcResult out;
  out.submission = nlohmann::json::object();
  std::map<int64_t, double> task_score_sum;  // K -> sum over tasks
  for (int32_t t = 0; t < static_cast<int32_t>(tasks_.size()); ++t) {
    const ArcTestTask& task = tasks_[t];
    std::map<int64_t, int64_t> solved;  // K -> test inputs solved
    nlohmann::json attempts = nlohmann::json::array();
    for (const ArcTestInput& in : task.inputs) {
      std::vector<const Candidate*> ranked = pooled_.ranked({t, in.input_hash});
      const uint64_t truth = grid_hash(in.output);
      for (int64_t k : config_.pass_Ks) {
        for (int64_t j = 0; j < std::min<int64_t>(k, ranked.size()); ++j) {
          if (grid_hash(ranked[j]->grid) == truth) {
            solved[k] += 1;
            break;
          }
        }
      }
      // Two attempts per test input; fewer candidates repeat the best one,
      // none at all gives the reference's placeholder [[0]].
      nlohmann::json entry = nlohmann::json::object();
      for (int64_t a = 0; a < config_.submission_K; ++a) {
        nlohmann::json grid = ranked.empty() ? nlohmann::json::array({nlohmann::json::array({0})})
                                             : datasets::grid_to_json(ranked[std::min<size_t>(a, ranked.size() - 1)]->grid);
        entry["attempt_" + std::to_string(a + 1)] = grid;
      }
      attempts.push_back(entry);
    }
    out.submission[task.name] = attempts;
    for (int64_t k : config_.pass_Ks) {
      task_score_sum[k] += task.inputs.empty() ? 0.0 : static_cast<double>(solved[k]) / task.inputs.size();
    }
  }
  for (int64_t k : config_.pass_Ks) {
    out.metrics["ARC/pass@" + std::to_string(k)] = task_score_sum[k] / tasks_.size();
  }
  return out;
}

void ArcEvaluator::restore_pooled_votes(const std::vector<uint8_t>& bytes) {
  pooled_.clear();
  pooled_.merge_bytes(bytes);
}

}  // namespace recur::trainer
