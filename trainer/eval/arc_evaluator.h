// ARC scoring as the reference evaluators do it (spec trm.md section 7,
// hrm.md section 8), the first Evaluator (evaluator.h).
//
// Every test-split row is one augmented version of one test input. Its
// predicted canvas is cropped, mapped back through the inverse augmentation
// named by its identifier, and counted as a vote for that test input. The
// answer candidates of a test input are ranked by vote count, then by mean
// sigmoid(q_halt); pass@K holds a test input when the true output is among
// the top K. How a task scores (task_rule):
//   fraction  TRM's evaluator: the fraction of its test inputs that hold;
//   all       HRM's notebook: 1 when all its test inputs hold, else 0.
// ARC/pass@K is the mean over tasks, with its Wilson 95% interval over the
// number of tasks (wilson_interval.h); ARC/task_rule names the rule in the
// eval row. Tasks without known test outputs (a hidden test set) are not
// scored: with none known there is no pass@K, only submission.json.
//
// With aggregated_voting (the reference default) rank 0 keeps the votes of
// every evaluation of the run, so the k-th evaluation pools predictions of
// checkpoints 1..k; state() holds them for checkpoints.
//
// Outputs of an evaluation (write_outputs): submission.json (the top
// submission_K candidates per test input, ARC Prize format) and
// arc_predictions.json (what the report shows; layout in docs/formats.md).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "datasets/arc_encoding.h"
#include "datasets/arc_task.h"
#include "trainer/config/config.h"
#include "trainer/eval/arc_votes.h"
#include "trainer/eval/evaluator.h"

namespace recur::trainer {

struct ArcTestInput {
  uint64_t input_hash = 0;
  datasets::Grid input;
  datasets::Grid output;  // empty (0 x 0) when unknown
};

struct ArcTestTask {
  std::string name;
  std::vector<datasets::ArcPair> demonstrations;
  std::vector<ArcTestInput> inputs;
  bool scored() const { return !inputs.empty() && inputs.front().output.rows > 0; }
};

class ArcEvaluator : public Evaluator {
 public:
  // `identifiers` and `test_puzzles_json` come from the puzzle file; `file`
  // names it in errors; `canvas` is its canvas side (arc_encoding.h).
  ArcEvaluator(std::vector<std::string> identifiers, const std::string& test_puzzles_json,
               const EvaluatorConfig& config, const std::string& file, int canvas = datasets::kArcCanvasSize);
  // The registry's constructor: reads identifiers and /test_puzzles of `data`.
  static std::unique_ptr<Evaluator> make(const EvaluatorConfig& config, const EvalDataset& data);

  std::string name() const override { return "arc"; }
  bool pools_evaluations() const override { return config_.aggregated_voting; }
  // This rank's votes are cleared, and rank 0's pooled votes too unless
  // voting is aggregated across evaluations.
  void begin() override;
  // Rows whose id is the blank identifier (padding) or a training-only task are skipped.
  void consume(const EvalBatch& batch) override;
  std::vector<uint8_t> local_bytes() const override { return local_.to_bytes(); }
  void absorb(const std::vector<uint8_t>& bytes) override { pooled_.merge_bytes(bytes); }
  nlohmann::json result() const override;
  void write_outputs(const std::string& dir, int64_t step) const override;
  std::vector<uint8_t> state() const override { return pooled_.to_bytes(); }
  void restore(const std::vector<uint8_t>& bytes) override;

  // {task: [{attempt_1, attempt_2, ...} per test input]} from the pooled votes.
  nlohmann::json submission() const;
  // The content of arc_predictions.json.
  nlohmann::json predictions(int64_t step) const;

  const std::vector<ArcTestTask>& tasks() const { return tasks_; }

 private:
  // Rank (0 = best) of the true output among a test input's candidates, or -1.
  int64_t truth_rank(int32_t task, const ArcTestInput& input) const;

  std::vector<std::string> identifiers_;
  std::vector<ArcTestTask> tasks_;              // sorted by name
  std::map<std::string, int32_t> task_index_;  // name -> index into tasks_
  EvaluatorConfig config_;
  int canvas_;
  ArcVotes local_;
  ArcVotes pooled_;
};

}  // namespace recur::trainer
