// What `recur report` knows about a run folder: everything it could read,
// and a list of what it could not, said in words.
//
// A report is often made of a folder that is not whole: a run still going
// (the last metrics row half-written), one that crashed before its first
// evaluation, one from an older recur without run.json or prediction files,
// or a folder that is not a run at all. Reading never fails on such a folder;
// each gap becomes one line of `missing` ("metrics.jsonl: line 12 is cut
// short (skipped)"), shown at the top of the page.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trainer/config/config.h"

namespace recur::trainer {

// One evaluation's outputs in RUN/eval/step_N/.
struct EvalOutputs {
  int64_t step = 0;
  std::string folder;
  nlohmann::json arc_predictions;  // null when absent
  nlohmann::json samples;          // null when absent (samples.json)
  bool has_submission = false;
};

struct RunFolder {
  std::string dir;
  std::string config_yaml;       // "" when absent
  std::optional<Config> config;  // when config.yaml loads with this recur
  nlohmann::json record;         // run.json, or null
  std::vector<nlohmann::json> train_rows, eval_rows;
  std::vector<EvalOutputs> evals;  // oldest first
  bool arc = false;                // an ARC run (arc evaluator configured, or a submission written)
  std::vector<std::string> missing;
};

// Reads what there is. Throws InputError only when `dir` is not a folder.
RunFolder read_run_folder(const std::string& dir);

}  // namespace recur::trainer
