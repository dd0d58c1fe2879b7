// Reading a run folder for the report (see run_folder.h).
#include "trainer/report/run_folder.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "trainer/config/config_loader.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_text_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A JSON file, or null with a line in `missing` saying why not.
nlohmann::json read_json_file(const fs::path& path, const std::string& what, std::vector<std::string>& missing) {
  const std::optional<std::string> text = read_text_file(path);
  if (!text) {
    missing.push_back(path.string() + ": not found (" + what + " not shown)");
    return nullptr;
  }
  nlohmann::json value = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    missing.push_back(path.string() + ": not valid JSON, perhaps half-written (" + what + " not shown)");
    return nullptr;
  }
  return value;
}

// metrics.jsonl, tolerant of what a live or crashed run leaves: a torn last
// line, a malformed one in the middle (both skipped and reported).
void read_metrics_rows(const fs::path& path, RunFolder& run) {
  std::ifstream in(path);
  if (!in) {
    run.missing.push_back(path.string() + ": not found (no curves, no evaluations)");
    return;
  }
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    nlohmann::json row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!row.is_object() || !row.contains("step") || !row["step"].is_number()) {
      run.missing.push_back(path.string() + ": line " + std::to_string(n) +
                            " is not a metrics row, perhaps cut short (skipped)");
      continue;
    }
    bool eval = false;
    for (const auto& [key, value] : row.items()) eval = eval || key.rfind("eval/", 0) == 0;
    (eval ? run.eval_rows : run.train_rows).push_back(std::move(row));
  }
  if (run.train_rows.empty() && run.eval_rows.empty())
    run.missing.push_back(path.string() + ": no rows yet (no curves, no evaluations)");
}

// RUN/eval/step_N/ folders, oldest first.
void read_eval_outputs(const fs::path& dir, RunFolder& run) {
  if (!fs::is_directory(dir)) return;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind("step_", 0) != 0) continue;
    EvalOutputs e;
    try {
      e.step = std::stoll(name.substr(5));
    } catch (const std::exception&) {
      continue;
    }
    e.folder = entry.path().string();
    e.has_submission = fs::exists(entry.path() / "submission.json");
    if (fs::exists(entry.path() / "arc_predictions.json"))
      e.arc_predictions = read_json_file(entry.path() / "arc_predictions.json", "ARC predictions", run.missing);
    if (fs::exists(entry.path() / "samples.json"))
      e.samples = read_json_file(entry.path() / "samples.json", "puzzle samples", run.missing);
    run.evals.push_back(std::move(e));
  }
  std::sort(run.evals.begin(), run.evals.end(),
            [](const EvalOutputs& a, const EvalOutputs& b) { return a.step < b.step; });
}

}  // namespace

RunFolder read_run_folder(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir, "not a folder (expected a run folder, RUN of `run_dir=RUN`)");
  RunFolder run;
  run.dir = dir;
  const fs::path root(dir);
  if (std::optional<std::string> yaml = read_text_file(root / "config.yaml")) {
    run.config_yaml = *yaml;
    try {
      run.config = config_from_yaml(*yaml, (root / "config.yaml").string());
    } catch (const std::exception& e) {
      run.missing.push_back(std::string(e.what()) + " (an older or newer recur's config: shown as text only)");
    }
  } else {
    run.missing.push_back((root / "config.yaml").string() + ": not found (no config, recipe or data shown)");
  }
  if (fs::exists(root / "run.json")) {
    run.record = read_json_file(root / "run.json", "how the run ended", run.missing);
  } else {
    run.missing.push_back((root / "run.json").string() +
                          ": not found (a run from before recur kept run.json: versions, device and how it ended "
                          "are not known)");
  }
  read_metrics_rows(root / "metrics.jsonl", run);
  read_eval_outputs(root / "eval", run);
  if (run.config) {
    run.arc = std::any_of(run.config->evaluators.begin(), run.config->evaluators.end(),
                          [](const EvaluatorConfig& e) { return e.name == "arc"; });
  }
  run.arc = run.arc || std::any_of(run.evals.begin(), run.evals.end(),
                                   [](const EvalOutputs& e) { return e.has_submission; });
  return run;
}

}  // namespace recur::trainer
