// The prediction viewer's data (see viewer_data.h).
#include "trainer/report/viewer_data.h"

#include <algorithm>

namespace recur::trainer {
namespace {

// The newest evaluation holding `member` (arc_predictions or samples).
const EvalOutputs* newest_with(const RunFolder& run, nlohmann::json EvalOutputs::*member) {
  for (auto e = run.evals.rbegin(); e != run.evals.rend(); ++e) {
    if ((*e.*member).is_object()) return &*e;
  }
  return nullptr;
}

int64_t submission_attempts(const RunFolder& run) {
  if (run.config) {
    for (const EvaluatorConfig& e : run.config->evaluators) {
      if (e.name == "arc") return e.submission_K;
    }
  }
  return EvaluatorConfig{}.submission_K;
}

// One test input's candidates from arc_predictions.json, best first.
nlohmann::json attempts_of(const nlohmann::json& test) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const nlohmann::json& c : test.value("candidates", nlohmann::json::array())) {
    if (attempts.size() >= kShownCandidates) break;
    attempts.push_back({{"grid", grid_rows(c.value("grid", nlohmann::json()))},
                        {"votes", c.value("count", 0)},
                        {"confidence", c.value("mean_q", 0.0)}});
  }
  return attempts;
}

// The tasks of an arc_predictions.json (docs/formats.md) as the viewer draws them.
void read_arc_tasks(const nlohmann::json& file, nlohmann::json& tasks) {
  const nlohmann::json file_tasks = file.value("tasks", nlohmann::json::object());  // named: items() keeps a reference
  for (const auto& [id, task] : file_tasks.items()) {
    nlohmann::json t = {{"id", id}, {"train", nlohmann::json::array()}, {"test", nlohmann::json::array()}};
    for (const nlohmann::json& pair : task.value("train", nlohmann::json::array()))
      t["train"].push_back({grid_rows(pair.value("input", nlohmann::json())),
                            grid_rows(pair.value("output", nlohmann::json()))});
    for (const nlohmann::json& test : task.value("test", nlohmann::json::array())) {
      t["test"].push_back({{"input", grid_rows(test.value("input", nlohmann::json()))},
                           {"truth", grid_rows(test.value("output", nlohmann::json()))},
                           {"votes", test.value("votes", nlohmann::json())},
                           {"distinct", test.value("distinct", nlohmann::json())},
                           {"attempts", attempts_of(test)}});
    }
    tasks.push_back(std::move(t));
  }
}

nlohmann::json arc_data(RunFolder& run) {
  const EvalOutputs* e = newest_with(run, &EvalOutputs::arc_predictions);
  if (!e) {
    if (run.arc)
      run.missing.push_back(run.dir + "/eval/step_N/arc_predictions.json: none found (no ARC predictions to view; " +
                            "recur writes one per evaluation since the report came)");
    return nullptr;
  }
  const nlohmann::json& file = e->arc_predictions;
  nlohmann::json tasks = nlohmann::json::array();
  try {
    read_arc_tasks(file, tasks);
  } catch (const nlohmann::json::exception& error) {  // another layout: an older or newer recur's file
    run.missing.push_back(e->folder + "/arc_predictions.json: not in the layout this recur reads (" +
                          error.what() + "): no ARC predictions shown");
    return nullptr;
  }
  const int64_t K = submission_attempts(run);
  nlohmann::json logged = nullptr;  // the evaluator's own pass@K at that step, to compare with
  for (const nlohmann::json& row : run.eval_rows) {
    const std::string key = "eval/ARC/pass@" + std::to_string(K);
    if (row["step"] == e->step && row.contains(key)) logged = row[key];
  }
  return {{"step", e->step}, {"K", K}, {"task_rule", file.value("task_rule", "fraction")},
          {"evaluator_score", logged}, {"tasks", tasks}};
}

// A samples.json puzzle the viewer can draw: three cell strings of one length.
bool drawable_sample(const nlohmann::json& p) {
  if (!p.is_object()) return false;
  size_t cells = 0;
  for (const char* key : {"input", "truth", "answer"}) {
    if (!p.contains(key) || !p[key].is_string()) return false;
    const size_t n = p[key].get_ref<const std::string&>().size();
    if (n == 0 || (cells && n != cells)) return false;
    cells = n;
  }
  return true;
}

nlohmann::json samples_data(RunFolder& run) {
  const EvalOutputs* e = newest_with(run, &EvalOutputs::samples);
  if (!e) return nullptr;
  const nlohmann::json& file = e->samples;
  const nlohmann::json puzzles = file.value("puzzles", nlohmann::json());
  const bool known_kind = file.contains("kind") && (file["kind"] == "sudoku" || file["kind"] == "maze");
  if (!known_kind || !puzzles.is_array() || !std::all_of(puzzles.begin(), puzzles.end(), drawable_sample)) {
    run.missing.push_back(e->folder + "/samples.json: not in the layout this recur reads (docs/formats.md): "
                          "no puzzles shown");
    return nullptr;
  }
  return {{"step", e->step}, {"kind", file["kind"]}, {"total", file.value("total", nlohmann::json())},
          {"puzzles", puzzles}};
}

}  // namespace

nlohmann::json grid_rows(const nlohmann::json& grid) {
  if (!grid.is_array() || grid.empty()) return nullptr;
  nlohmann::json rows = nlohmann::json::array();
  for (const nlohmann::json& row : grid) {
    if (!row.is_array()) return nullptr;
    std::string text;
    for (const nlohmann::json& cell : row) {
      if (!cell.is_number_integer() || cell.get<int>() < 0 || cell.get<int>() > 9) return nullptr;
      text += static_cast<char>('0' + cell.get<int>());
    }
    rows.push_back(text);
  }
  return rows;
}

nlohmann::json viewer_data(RunFolder& run) { return {{"arc", arc_data(run)}, {"samples", samples_data(run)}}; }

}  // namespace recur::trainer
