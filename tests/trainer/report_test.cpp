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
#include <string>
#include <vector>

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
void expect_filters_match(const nlohmann::json& filters, const nlohmann::json& all, const nlohmann::json& solved,
                          const nlohmann::json& unsolved) {
  EXPECT_EQ(filters.at("all").at("label"), all);
  EXPECT_EQ(filters.at("solved").at("label"), solved);
  EXPECT_EQ(filters.at("unsolved").at("label"), unsolved);
  for (const auto& [name, f] : filters.items()) EXPECT_EQ(f.at("shown"), f.at("label")) << "filter " << name;
}

// A two-rank Sudoku run saving every one of its 20 held-out puzzles: the
// page shows them, solved as many as the evaluator's exact accuracy says;
// the terminal draws the first one; and a submission opens in the viewer.
TEST_F(Report, SudokuRunPageShowsTheRunAndOpensASubmission) {
  make_sudoku_data();
  if (HasFatalFailure()) return;
  train("sudoku", 2, "'evaluators=[{name: samples, saved_samples: 50}]'");
  if (HasFatalFailure()) return;
  report("sudoku");
  const nlohmann::json samples =
      nlohmann::json::parse(read_whole_file(path("sudoku/eval/step_30/samples.json")));
  EXPECT_EQ(samples.at("kind"), "sudoku");
  EXPECT_EQ(samples.at("total"), 20);
  ASSERT_EQ(samples.at("puzzles").size(), 20u) << "saved_samples is capped by the test split; both ranks' rows";
  EXPECT_LE(fs::file_size(path("sudoku/eval/step_30/samples.json")), 120u + 20u * (3u * 81u + 60u))
      << "the size docs/formats.md states";
  int64_t solved = 0;
  std::vector<int64_t> wrong_cells;  // per puzzle: cells where the answer is not the truth
  for (size_t i = 0; i < 20; ++i) {
    const nlohmann::json& p = samples["puzzles"][i];
    EXPECT_EQ(p.at("index"), i);
    const std::string input = p.at("input"), truth = p.at("truth"), answer = p.at("answer");
    ASSERT_EQ(truth.size(), 81u);
    ASSERT_EQ(answer.size(), 81u);
    for (size_t c = 0; c < 81; ++c) {
      if (input[c] != '.') EXPECT_EQ(input[c], truth[c]) << "puzzle " << i << " cell " << c << ": a given is the truth";
    }
    solved += answer == truth;
    wrong_cells.push_back(0);
    for (size_t c = 0; c < 81; ++c) wrong_cells.back() += answer[c] != truth[c];
  }
  // The quick run's last picture: puzzle 0, its wrong cells counted, colour only on a terminal.
  const std::string print = "report " + path("sudoku") + " --out " + path("again.html") + " --print-sample";
  const auto drawn = run_recur(print);
  EXPECT_EQ(drawn.exit_code, 0) << drawn.err;
  EXPECT_NE(drawn.out.find("model's answer"), std::string::npos) << drawn.out;
  EXPECT_NE(drawn.out.find("+---------+---------+---------+"), std::string::npos) << drawn.out;
  const std::string verdict = wrong_cells[0] == 0 ? "solved, every cell right"
                                                  : std::to_string(wrong_cells[0]) + " of 81 cells wrong (*)";
  EXPECT_NE(drawn.out.find("held-out puzzle 0: " + verdict), std::string::npos) << drawn.out;
  EXPECT_EQ(drawn.out.find("\033["), std::string::npos) << "no colour on a pipe";
  const auto on_terminal = run_shell("script -qec \"env TERM=xterm NO_COLOR= " + std::string(RECUR_BINARY) + " " +
                                     print + "\" /dev/null");
  EXPECT_EQ(on_terminal.exit_code, 0) << on_terminal.err;
  EXPECT_NE(on_terminal.out.find("\033["), std::string::npos) << "colour on a terminal: " << on_terminal.out;
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
  const nlohmann::json& puzzles = page.at("samples");
  ASSERT_TRUE(puzzles.is_object()) << page.dump();
  EXPECT_EQ(puzzles.at("puzzles"), 20);
  EXPECT_EQ(puzzles.at("solved"), solved);
  EXPECT_NEAR(puzzles.at("solved").get<double>() / 20, rows.eval.back().at("eval/exact_accuracy").get<double>(), 1e-9)
      << "all 20 held-out puzzles are shown, solved as the evaluation scored them";
  expect_filters_match(puzzles.at("filters"), 20, solved, 20 - solved);
  ASSERT_EQ(puzzles.at("shown").size(), 20u);
  for (size_t i = 0; i < 20; ++i) {
    EXPECT_EQ(puzzles["shown"][i].at("wrong"), wrong_cells[i]) << "puzzle " << i << ": every wrong cell marked";
    EXPECT_EQ(puzzles["shown"][i].at("badge"), wrong_cells[i] == 0 ? "solved" : "unsolved");
  }
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

// A tiny ARC run's page: the viewer shows the evaluation's tasks, scores
// them as the evaluator did (its logged pass@K, its tasks count), its
// filters list what their labels say, search finds a task by id, and grids
// are drawn at their own size in the ARC palette.
TEST_F(Report, ArcRunPageShowsWhatTheEvaluatorScored) {
  make_tiny_arc_data(3);
  if (HasFatalFailure()) return;
  write("arc.yaml", tiny_arc_recipe(path("arc.h5"), path("arc"), "{name: arc, pass_Ks: [1, 2]}", 2));
  train("arc", 1, "threads=1", 0, "arc.yaml");
  if (HasFatalFailure()) return;
  // The samples evaluator on ARC data: one clear error naming the file, exit 2.
  const auto misfit = run_recur("train " + path("arc.yaml") + " run_dir=" + path("misfit") +
                                " 'evaluators=[{name: samples}]'");
  EXPECT_EQ(misfit.exit_code, 2);
  EXPECT_NE(misfit.err.find("recur: error: " + path("arc.h5") + ": the samples evaluator draws Sudoku and Maze"),
            std::string::npos) << misfit.err;
  report("arc");
  const nlohmann::json shown = render("arc");
  if (HasFailure()) return;
  const MetricsRows rows = metrics_rows(path("arc"));
  ASSERT_FALSE(rows.eval.empty());
  const nlohmann::json& last = rows.eval.back();
  const nlohmann::json& arc = shown.at("page").at("arc");
  ASSERT_TRUE(arc.is_object()) << shown.dump();
  EXPECT_EQ(arc.at("tasks"), last.at("eval/ARC/tasks"));
  EXPECT_NEAR(arc.at("pass_k").get<double>(), last.at("eval/ARC/pass@2").get<double>(), 1e-9)
      << "the viewer's pass@2 from the saved candidates is the evaluator's";
  EXPECT_EQ(arc.at("solved").get<double>() + arc.at("unsolved").get<double>(), arc.at("tasks").get<double>());
  expect_filters_match(arc.at("filters"), arc.at("tasks"), arc.at("solved"), arc.at("unsolved"));
  EXPECT_EQ(arc.at("search").at("hit"), 1) << "searching the task's id finds it";
  EXPECT_EQ(arc.at("search").at("miss"), 0);

  // The one evaluation task as drawn: its demonstrations, test input and truth, at their sizes, in the palette.
  ASSERT_EQ(arc.at("shown").size(), 1u);
  const nlohmann::json& t = arc["shown"][0];
  EXPECT_EQ(t.at("id"), kTinyArcEvalTask);
  const nlohmann::json task = nlohmann::json::parse(
      read_whole_file(path(std::string("evaluation/") + kTinyArcEvalTask + ".json")));
  const auto shape = [](const nlohmann::json& g) {
    return std::to_string(g.size()) + "\u00d7" + std::to_string(g[0].size());
  };
  const nlohmann::json& shapes = t.at("grid_shapes");
  ASSERT_GE(shapes.size(), 8u) << "three demonstration pairs, the test input and its truth";
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(shapes[2 * i], shape(task["train"][i]["input"])) << "cropped to the real size";
    EXPECT_EQ(shapes[2 * i + 1], shape(task["train"][i]["output"]));
  }
  EXPECT_EQ(shapes[6], shape(task["test"][0]["input"]));
  EXPECT_EQ(shapes[7], shape(task["test"][0]["output"]));
  static const char* kArcPalette[] = {"#000000", "#0074d9", "#ff4136", "#2ecc40", "#ffdc00",
                                      "#aaaaaa", "#f012be", "#ff851b", "#7fdbff", "#870c25"};
  EXPECT_EQ(t.at("first_cell_colour"), kArcPalette[task["train"][0]["input"][0][0].get<int>()]);
  const bool solved = last.at("eval/ARC/pass@2").get<double>() == 1.0;
  EXPECT_EQ(t.at("badge"), solved ? "solved" : "unsolved");
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
  write("old/eval/step_6/samples.json", R"({"kind": "sudoku", "puzzles": [{"input": "1."}]})");
  html = report("old");
  for (const char* missing : {"some_retired_key", "shown as text only", "run.json: not found",
                              "step_6/arc_predictions.json: not in the layout this recur reads",
                              "step_6/samples.json: not in the layout this recur reads"})
    EXPECT_NE(html.find(missing), std::string::npos) << missing;

  // Not a folder at all: the one error that is an error.
  const auto r = run_recur("report " + path("nowhere"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("recur: error: " + path("nowhere") + ": not a folder"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace recur::testing
