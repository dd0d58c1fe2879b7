// `recur report` looked at as a person would: the page of a tiny Sudoku run
// and of a tiny ARC run rendered in headless Chromium (tests/report/
// render_report.py), with no console error, showing what the run did (its
// status, steps, curves, evaluations) and, in the prediction viewer, exactly
// what the evaluator scored: the tasks, the solved badges against the logged
// pass@K, the filters' counts against what each filter lists. A
// submission.json picked in the page's file input is shown and scored against
// its solutions. And a folder that is empty, half-written or from an older
// recur gives a page that says what is missing, never an error.
//
// With RECUR_SCREENSHOT_DIR set, the screenshots are kept there (docs/ has one of each).
#include <gtest/gtest.h>

#include <cstdlib>

#include "test_paths.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

class Report : public TrainingRunTest {
 protected:
  // `recur report RUN --out RUN.html`, which must succeed.
  std::string report(const std::string& run) {
    const auto r = run_recur("report " + path(run) + " --out " + path(run + ".html"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("report: " + path(run + ".html")), std::string::npos) << r.out;
    return read_whole_file(path(run + ".html"));
  }

  // The page in Chromium: what it shows, its console errors, its screenshot.
  nlohmann::json render(const std::string& run, const std::vector<std::string>& open = {}) {
    std::string command = recur::testing::python() + " " + RECUR_SOURCE_DIR + "/tests/report/render_report.py " +
                          path(run + ".html") + " " + screenshot(run);
    if (!open.empty()) {
      command += " --open";
      for (const std::string& file : open) command += " " + path(file);
    }
    const auto r = run_shell(command);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return nlohmann::json::object();
    const nlohmann::json shown = nlohmann::json::parse(r.out);
    EXPECT_EQ(shown.at("errors"), nlohmann::json::array()) << "console errors on " << run;
    EXPECT_TRUE(shown.at("page").at("errors_attribute").is_null()) << shown["page"]["errors_attribute"];
    EXPECT_TRUE(fs::file_size(screenshot(run)) > 10000) << "an empty screenshot";
    return shown;
  }

  std::string screenshot(const std::string& run) const {
    const char* keep = std::getenv("RECUR_SCREENSHOT_DIR");
    return keep && *keep ? std::string(keep) + "/report-" + run + ".png" : path(run + ".png");
  }
};

// Each filter button lists as many as its label says.
void expect_filters_match(const nlohmann::json& filters, int64_t all, int64_t solved, int64_t unsolved) {
  EXPECT_EQ(filters.at("all").at("label"), all);
  EXPECT_EQ(filters.at("solved").at("label"), solved);
  EXPECT_EQ(filters.at("unsolved").at("label"), unsolved);
  for (const auto& [name, f] : filters.items()) EXPECT_EQ(f.at("shown"), f.at("label")) << "filter " << name;
}

TEST_F(Report, SudokuRunPageShowsTheRunAndOpensASubmission) {
  make_sudoku_data();
  if (HasFatalFailure()) return;
  train("sudoku", 1, "");
  report("sudoku");
  // A submission with its challenges and solutions: task a solved by its
  // second attempt, task b half (one of two test inputs), task c not at all.
  write("submission.json", R"({"a": [{"attempt_1": [[0,0],[0,0]], "attempt_2": [[1,2],[3,4]]}],
    "b": [{"attempt_1": [[5]], "attempt_2": [[5]]}, {"attempt_1": [[6,6]], "attempt_2": [[7,7]]}],
    "c": [{"attempt_1": [[1]], "attempt_2": [[2]]}]})");
  write("challenges.json", R"({"a": {"train": [{"input": [[1]], "output": [[1]]}], "test": [{"input": [[4,3],[2,1]]}]},
    "b": {"train": [], "test": [{"input": [[0]]}, {"input": [[0,0]]}]},
    "c": {"train": [], "test": [{"input": [[9]]}]}})");
  write("solutions.json", R"({"a": [[[1,2],[3,4]]], "b": [[[5]], [[8,8]]], "c": [[[3]]]})");
  const nlohmann::json shown = render("sudoku", {"submission.json", "challenges.json", "solutions.json"});
  if (HasFailure()) return;

  const nlohmann::json& page = shown.at("page");
  const MetricsRows rows = metrics_rows(path("sudoku"));
  EXPECT_EQ(page.at("status"), "finished (exit 0)");
  EXPECT_EQ(page.at("steps_trained"), std::to_string(kTotalSteps));
  EXPECT_EQ(page.at("evaluation_rows").get<size_t>(), rows.eval.size());
  EXPECT_GE(page.at("charts"), 10) << "loss, accuracy, lr, samples/s, ACT steps, evaluation; by step and by time";
  EXPECT_TRUE(page.at("config_shown"));

  const nlohmann::json& opened = shown.at("opened");
  EXPECT_EQ(opened.at("message"), "");
  const nlohmann::json& arc = opened.at("arc");
  EXPECT_EQ(arc.at("tasks"), 3);
  EXPECT_EQ(arc.at("solved"), 1);
  EXPECT_EQ(arc.at("unsolved"), 2);
  EXPECT_NEAR(arc.at("pass_k").get<double>(), (1 + 0.5 + 0) / 3, 1e-12);
  expect_filters_match(arc.at("filters"), 3, 1, 2);
  ASSERT_EQ(arc.at("shown").size(), 3u);
  const nlohmann::json& a = arc["shown"][0];
  EXPECT_EQ(a.at("id"), "a");
  EXPECT_EQ(a.at("badge"), "solved");
  EXPECT_EQ(a.at("grids"), 2 + 1 + 1 + 2) << "a demonstration pair, the test input, the truth, two attempts";
  EXPECT_EQ(a["tests"][0].at("wrong_cells"), (nlohmann::json{"4", "0"})) << "attempt 1 differs in every cell";
  EXPECT_EQ(arc["shown"][1].at("badge"), "partly solved");
  EXPECT_EQ(arc["shown"][1]["tests"][1].at("wrong_cells"), (nlohmann::json{"2", "2"}));
  EXPECT_EQ(arc["shown"][2].at("badge"), "unsolved");
}

// An empty folder, a half-written run and one from an older recur: each page
// lists what is missing and shows the rest.
TEST_F(Report, IncompleteFoldersSayWhatIsMissing) {
  fs::create_directories(path("empty"));
  std::string html = report("empty");
  for (const char* missing : {"config.yaml: not found", "run.json: not found", "metrics.jsonl: not found"})
    EXPECT_NE(html.find(missing), std::string::npos) << missing;
  const nlohmann::json shown = render("empty");
  if (!HasFailure()) EXPECT_EQ(shown.at("page").at("missing").size(), 3u) << shown.dump();

  // Half-written: run.json cut short, a torn last metrics row, a predictions file cut short.
  fs::create_directories(path("half/eval/step_2"));
  write("half/config.yaml", "global_batch_size: 8\nevaluators: [{name: arc}]\n");
  write("half/run.json", R"({"format": "recur-run", "processes": [{"sta)");
  write("half/metrics.jsonl", R"({"step": 1, "loss": 2.5, "train_seconds": 1.0})" "\n"
                              R"({"step": 2, "loss": 2.0, "train_seconds": 2.0})" "\n"
                              R"({"step": 2, "eval/exact_accuracy": 0.5, "eval/count": 4})" "\n"
                              R"({"step": 3, "lo)");
  write("half/eval/step_2/arc_predictions.json", R"({"format": "recur-arc-predictions", "tasks": {"x": )");
  html = report("half");
  for (const char* missing : {"run.json: not valid JSON", "metrics.jsonl: line 4 is not a metrics row",
                              "arc_predictions.json: not valid JSON", "arc_predictions.json: none found"})
    EXPECT_NE(html.find(missing), std::string::npos) << missing;
  EXPECT_NE(html.find("training loss"), std::string::npos) << "the two whole rows still make a curve";

  // Older: a config key this recur does not know, no run.json, a submission but no predictions file.
  fs::create_directories(path("old/eval/step_5"));
  write("old/config.yaml", "global_batch_size: 8\nsome_retired_key: 3\n");
  write("old/metrics.jsonl", R"({"step": 5, "loss": 1.0})" "\n");
  write("old/eval/step_5/submission.json", R"({"x": [{"attempt_1": [[1]], "attempt_2": [[2]]}]})");
  fs::create_directories(path("old/eval/step_6"));
  write("old/eval/step_6/arc_predictions.json", R"({"tasks": {"x": [[1]]}})");
  html = report("old");
  for (const char* missing : {"some_retired_key", "shown as text only", "run.json: not found",
                              "step_6/arc_predictions.json: not in the layout this recur reads"})
    EXPECT_NE(html.find(missing), std::string::npos) << missing;

  // Not a folder at all: the one error that is an error.
  const auto r = run_recur("report " + path("nowhere"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("recur: error: " + path("nowhere") + ": not a folder"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace recur::testing
