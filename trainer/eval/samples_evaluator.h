// The Sudoku and Maze evaluator "samples": a bounded sample of held-out
// puzzles with the model's answers, for people to look at (the report's
// puzzle view and the quick run's last picture).
//
// It scores nothing beyond the loss head's exact accuracy; it keeps, for the
// first `saved_samples` examples of the test split (read from the puzzle
// file, so the same puzzles at every evaluation, whatever the world size or
// batch), the final ACT step's answer of the row holding that puzzle, and
// writes them as RUN/eval/step_N/samples.json (docs/formats.md):
//
//   {"format": "recur-samples", "version": 1, "step", "kind": "sudoku" | "maze",
//    "total": <test examples>, "puzzles": [{"index", "input", "truth", "answer"}]}
//
// One character per cell: Sudoku "." (blank) or "1"-"9", a maze "# SGo";
// "?" where the model answered a token that is no cell (padding).
// The file holds at most 120 + saved_samples * (3 seq_len + 60) bytes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "trainer/config/config.h"
#include "trainer/eval/evaluator.h"

namespace recur::trainer {

struct SamplePuzzle {
  int64_t index = 0;        // example index in the test split
  std::string input, truth;  // one character per cell
};

class SamplesEvaluator : public Evaluator {
 public:
  // `kind` is "sudoku" or "maze"; `puzzles` the sampled test examples.
  SamplesEvaluator(std::string kind, int64_t total, std::vector<SamplePuzzle> puzzles);
  // The registry's constructor: reads the kind from the file's builder and the first saved_samples test examples.
  static std::unique_ptr<Evaluator> make(const EvaluatorConfig& config, const EvalDataset& data);

  std::string name() const override { return "samples"; }
  bool pools_evaluations() const override { return false; }
  void begin() override;
  void consume(const EvalBatch& batch) override;
  std::vector<uint8_t> local_bytes() const override;
  void absorb(const std::vector<uint8_t>& bytes) override;
  nlohmann::json result() const override { return nlohmann::json::object(); }
  void write_outputs(const std::string& dir, int64_t step) const override;
  std::vector<uint8_t> state() const override { return {}; }
  void restore(const std::vector<uint8_t>&) override {}

  // The content of samples.json.
  nlohmann::json samples(int64_t step) const;

 private:
  std::string kind_;
  int64_t total_;
  std::vector<SamplePuzzle> puzzles_;
  std::multimap<std::string, size_t> by_input_;  // input cells -> indices into puzzles_
  std::map<size_t, std::string> local_, answers_;  // index into puzzles_ -> answer (this rank, rank 0)
};

}  // namespace recur::trainer
