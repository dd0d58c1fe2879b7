// The evaluator table (see evaluator_registry.h).
#include "trainer/eval/evaluator_registry.h"

#include "trainer/eval/arc_evaluator.h"
#include "trainer/eval/evaluator.h"
#include "trainer/eval/samples_evaluator.h"

namespace recur::trainer {

const std::vector<EvaluatorDescriptor>& evaluator_descriptors() {
  static const std::vector<EvaluatorDescriptor> table = {
      {"arc", "ARC: votes over augmented versions, pass@K, submission.json, arc_predictions.json",
       &ArcEvaluator::make},
      {"samples", "Sudoku, Maze: the first saved_samples held-out puzzles with the model's answers, samples.json",
       &SamplesEvaluator::make},
  };
  return table;
}

std::vector<std::string> evaluator_names() {
  std::vector<std::string> names;
  for (const EvaluatorDescriptor& d : evaluator_descriptors()) names.push_back(d.name);
  return names;
}

std::vector<std::unique_ptr<Evaluator>> make_evaluators(const std::vector<EvaluatorConfig>& configs,
                                                        const std::string& test_path) {
  std::vector<std::unique_ptr<Evaluator>> out;
  if (configs.empty()) return out;
  const EvalDataset data{test_path, datasets::read_puzzle_metadata(test_path)};
  for (const EvaluatorConfig& c : configs) {
    for (const EvaluatorDescriptor& d : evaluator_descriptors()) {
      if (d.name == c.name) out.push_back(d.make(c, data));
    }
  }
  return out;
}

}  // namespace recur::trainer
