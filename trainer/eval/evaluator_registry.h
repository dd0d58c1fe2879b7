// The evaluators recur has: one row each (name, what it does, how to build
// it), asked by the config (the valid `evaluators[].name` values), the train
// loop, `recur eval` and `recur predict`. Adding an evaluator is its own
// files and one row in evaluator_registry.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "trainer/config/config.h"

namespace recur::trainer {

class Evaluator;
struct EvalDataset;

struct EvaluatorDescriptor {
  std::string name;
  std::string doc;
  std::unique_ptr<Evaluator> (*make)(const EvaluatorConfig& config, const EvalDataset& data);
};

const std::vector<EvaluatorDescriptor>& evaluator_descriptors();
std::vector<std::string> evaluator_names();

// The evaluators of `configs`, in order, configured for the test split of
// `test_path`. A configuration that does not fit the data is an InputError.
std::vector<std::unique_ptr<Evaluator>> make_evaluators(const std::vector<EvaluatorConfig>& configs,
                                                        const std::string& test_path);

}  // namespace recur::trainer
