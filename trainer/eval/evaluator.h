// The evaluator interface: what every evaluation of a run does besides the
// loss-head metrics, behind one set of calls, so that the train loop,
// `recur eval` and `recur predict` hold a list of evaluators and never name
// one. The ARC evaluator (arc_evaluator.h) is the first implementation;
// evaluator_registry.h lists them all and builds them from the config.
//
// One evaluation, as trainer/train/evaluate.cpp drives it:
//   begin()                every rank: this evaluation's local state is cleared
//   consume(batch)         every rank, once per test batch: the final ACT
//                          step's predictions of this rank's rows
//   local_bytes()          every rank: what it collected, serialised; the
//                          bytes of all ranks are gathered onto rank 0
//   absorb(bytes)          rank 0, once per rank in rank order
//   result()               rank 0: the evaluator's fields of the eval row
//   write_outputs(dir)     rank 0: its files in RUN/eval/step_N/
// Across evaluations, rank 0 keeps what the next result depends on (ARC's
// pooled votes): state() is saved in each checkpoint as model.h5's
// /eval/<name>, and restore() puts it back on resume.
//
// "Configure" is construction: the registry hands an evaluator its config
// entry and the test data, and the constructor checks that they fit (an
// InputError naming the file or key otherwise).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "common/libtorch.h"
#include "datasets/puzzle_file.h"

namespace recur::trainer {

// The final ACT step of one test batch on this rank, as CPU tensors.
struct EvalBatch {
  torch::Tensor inputs;              // int32 [rows, seq_len]
  torch::Tensor labels;              // int32 [rows, seq_len], -100 where ignored
  torch::Tensor predictions;         // int32 [rows, seq_len]: argmax tokens
  torch::Tensor q_halt_logits;       // float32 [rows]
  torch::Tensor puzzle_identifiers;  // int32 [rows]; blank_identifier_id marks padding rows
  int32_t blank_identifier_id = 0;
};

// The test data an evaluator scores: the puzzle file and its validated metadata.
struct EvalDataset {
  std::string path;
  datasets::PuzzleMetadata metadata;
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;

  // The config name ("arc"): the checkpoint key /eval/<name> and log label.
  virtual std::string name() const = 0;
  // True when a result depends on earlier evaluations (state() is not empty
  // between evaluations): `recur eval RUN_DIR` then replays every evaluation.
  virtual bool pools_evaluations() const = 0;

  virtual void begin() = 0;
  virtual void consume(const EvalBatch& batch) = 0;
  virtual std::vector<uint8_t> local_bytes() const = 0;
  virtual void absorb(const std::vector<uint8_t>& bytes) = 0;

  // A flat JSON object: metric name -> number, or -> string where a field
  // says how a number was computed ("ARC/task_rule"). The loop prefixes
  // "eval/" in metrics.jsonl.
  virtual nlohmann::json result() const = 0;
  // `dir` exists; files are written atomically.
  virtual void write_outputs(const std::string& dir, int64_t step) const = 0;

  virtual std::vector<uint8_t> state() const = 0;
  virtual void restore(const std::vector<uint8_t>& bytes) = 0;
};

}  // namespace recur::trainer
