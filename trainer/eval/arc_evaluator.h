// ARC scoring as the reference evaluator does it (spec trm.md section 7).
//
// Every test-split row is one augmented version of one test input. Its
// predicted canvas is cropped, mapped back through the inverse augmentation
// named by its identifier, and counted as a vote for that test input. The
// answer candidates of a test input are ranked by vote count, then by mean
// sigmoid(q_halt); pass@K holds a test input when the true output is among
// the top K; a task scores the fraction of its test inputs that hold, and
// ARC/pass@K is the mean over tasks. submission.json takes the top two.
//
// With aggregated_voting (the reference default) rank 0 keeps the votes of
// every evaluation of the run, so the k-th evaluation pools predictions of
// checkpoints 1..k.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "trainer/config/config.h"
#include "trainer/eval/arc_votes.h"

namespace recur::trainer {

struct ArcTestInput {
  uint64_t input_hash = 0;
  datasets::Grid output;
};

struct ArcTestTask {
  std::string name;
  std::vector<ArcTestInput> inputs;
};

struct ArcResult {
  std::map<std::string, double> metrics;  // "ARC/pass@K" -> score in [0, 1]
  nlohmann::json submission;              // {task: [{attempt_1, attempt_2}, ...]}
};

class ArcEvaluator {
 public:
  // `identifiers` and `test_puzzles_json` come from the puzzle file; `file`
  // names it in errors.
  ArcEvaluator(std::vector<std::string> identifiers, const std::string& test_puzzles_json,
               const EvaluatorConfig& config, const std::string& file);

  // Starts an evaluation: this rank's votes are cleared, and rank 0's pooled
  // votes too unless voting is aggregated across evaluations.
  void begin_eval();
  // Adds the final-step predictions of one eval batch of this rank:
  // inputs/preds [rows, seq_len] tokens, q_halt [rows] logits, puzzle ids [rows].
  // Rows whose id is the blank identifier (padding) are skipped.
  void add_batch(const int32_t* inputs, const int32_t* preds, const float* q_halt, const int32_t* puzzle_ids,
                 int64_t rows, int64_t seq_len, int32_t blank_id);
  // This evaluation's votes of this rank, to be gathered on rank 0.
  std::vector<uint8_t> local_votes() const { return local_.to_bytes(); }
  // Rank 0: pools the gathered votes of one rank.
  void pool_votes(const std::vector<uint8_t>& bytes) { pooled_.merge_bytes(bytes); }
  // Rank 0: scores the pooled votes.
  ArcResult result() const;

  // The pooled votes, for checkpoints (aggregated voting survives a resume).
  std::vector<uint8_t> pooled_votes() const { return pooled_.to_bytes(); }
  void restore_pooled_votes(const std::vector<uint8_t>& bytes);

  const std::vector<ArcTestTask>& tasks() const { return tasks_; }

 private:
  std::vector<std::string> identifiers_;
  std::vector<ArcTestTask> tasks_;              // sorted by name
  std::map<std::string, int32_t> task_index_;  // name -> index into tasks_
  EvaluatorConfig config_;
  ArcVotes local_;
  ArcVotes pooled_;
};

}  // namespace recur::trainer
