// ARC through the real binary: a tiny run scores pass@K by voting and writes
// submission.json and arc_predictions.json at each evaluation; `recur eval
// RUN_DIR` replays the run's pooled votes and equals its last logged
// pass@K, while `recur eval CHECKPOINT` scores one checkpoint and says so;
// a hidden test set (no solutions) trains and evaluates into a submission
// with no score; and `recur predict` adapts to unseen tasks and submits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "datasets/arc_generator.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

using recur::testing::read_whole_file;
using recur::testing::run_recur;
using ArcEndToEnd = TrainingRunTest;

// The eval/ARC/... fields of a row.
nlohmann::json arc_fields(const nlohmann::json& row) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : row.items())
    if (key.rfind("eval/ARC/", 0) == 0) out[key] = value;
  return out;
}

// Three evaluations with aggregated voting: the k-th pools the votes of checkpoints 1..k.
TEST_F(ArcEndToEnd, RecurEvalOfTheRunReplaysItsPooledVotesAndACheckpointScoresAlone) {
  make_tiny_arc_data(3);
  if (HasFatalFailure()) return;
  write("arc.yaml", tiny_arc_recipe(path("arc.h5"), path("run"), "{name: arc, pass_Ks: [1, 2, 5]}", 3));
  auto train = run_recur("train " + path("arc.yaml"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const std::vector<nlohmann::json> evals = metrics_rows(path("run")).eval;
  ASSERT_EQ(evals.size(), 3u);
  for (const char* key : {"eval/ARC/pass@1", "eval/ARC/pass@2", "eval/ARC/pass@5", "eval/ARC/pass@2/ci95_low",
                          "eval/ARC/pass@2/ci95_high", "eval/exact_accuracy/ci95_high"})
    ASSERT_TRUE(evals.back().contains(key)) << key << " " << evals.back().dump();
  EXPECT_EQ(evals.back().at("eval/ARC/task_rule"), "fraction");
  EXPECT_EQ(evals.back().at("eval/ARC/tasks"), 1);
  EXPECT_LE(evals.back().at("eval/ARC/pass@1").get<double>(), evals.back().at("eval/ARC/pass@2").get<double>());
  const auto step = [&](size_t i) { return evals[i].at("step").get<int64_t>(); };
  const std::string eval_dir = path("run/eval/step_") + std::to_string(step(2));
  const nlohmann::json sub = nlohmann::json::parse(read_whole_file(eval_dir + "/submission.json"));
  ASSERT_TRUE(sub.contains(kTinyArcEvalTask)) << sub.dump();
  EXPECT_TRUE(sub[kTinyArcEvalTask][0].contains("attempt_2"));
  const nlohmann::json logged = nlohmann::json::parse(read_whole_file(eval_dir + "/arc_predictions.json"));
  const int64_t versions = 4;  // the original and 3 augmented versions vote at each evaluation
  EXPECT_EQ(logged["tasks"][kTinyArcEvalTask]["test"][0]["votes"], 3 * versions);

  // The run, re-scored: every evaluation checkpoint in order, equal to the last row.
  auto run = run_recur("eval " + path("run") + " --out " + path("rescored"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json r = last_json_line(run.out);
  EXPECT_EQ(r.at("scope"), "run");
  EXPECT_EQ(r.at("checkpoints").size(), 3u);
  EXPECT_EQ(r.at("step"), step(2));
  EXPECT_EQ(arc_fields(r), arc_fields(evals[2]));
  EXPECT_EQ(nlohmann::json::parse(read_whole_file(path("rescored/arc_predictions.json"))), logged);

  // One checkpoint alone: its own votes; the first one equals the first evaluation.
  auto one = run_recur("eval " + checkpoint("run", step(0)));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(last_json_line(one.out).at("scope"), "checkpoint");
  EXPECT_EQ(arc_fields(last_json_line(one.out)), arc_fields(evals[0]));
  EXPECT_NE(one.err.find("alone"), std::string::npos) << one.err;
  auto last_alone = run_recur("eval " + checkpoint("run", step(2)) + " --out " + path("alone"));
  ASSERT_EQ(last_alone.exit_code, 0) << last_alone.err;
  EXPECT_EQ(nlohmann::json::parse(read_whole_file(path("alone/arc_predictions.json")))["tasks"][kTinyArcEvalTask]
                ["test"][0]["votes"],
            versions);
  // An explicit list pools in order: the first two equal the second evaluation.
  auto two = run_recur("eval " + checkpoint("run", step(0)) + " " + checkpoint("run", step(1)));
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(last_json_line(two.out).at("scope"), "checkpoints");
  EXPECT_EQ(arc_fields(last_json_line(two.out)), arc_fields(evals[1]));

  // Without an evaluation's checkpoint the pooled number cannot be replayed: said, exit 2.
  fs::rename(checkpoint("run", step(1)), path("moved"));
  auto missing = run_recur("eval " + path("run"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("step(s) " + std::to_string(step(1))), std::string::npos) << missing.err;
}

// A competition's hidden test: challenges without solutions. Training and the
// evaluation run; the row has no pass@K (nothing to compare with) and
// submission.json answers every test input.
TEST_F(ArcEndToEnd, AHiddenTestSetTrainsAndEvaluatesIntoASubmissionWithNoScore) {
  for (const auto& [name, seed] : {std::pair{"train", 1}, std::pair{"hidden", 2}}) {
    auto gen = run_recur(std::string("data arc --generate ") + (name == std::string("train") ? "4" : "2") +
                         " --max-size 5 --seed " + std::to_string(seed) + " --out " + path(name) + "_challenges.json");
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
  }
  fs::remove(path("hidden_solutions.json"));
  auto data = run_recur("data arc --subsets " + path("train_challenges.json") + " " + path("hidden_challenges.json") +
                        " --test-set " + path("hidden_challenges.json") + " --augment 2 --canvas 6 --threads 1 --out " +
                        path("hidden.h5"));
  ASSERT_EQ(data.exit_code, 0) << data.err;
  write("hidden.yaml", tiny_arc_recipe(path("hidden.h5"), path("run"), "{name: arc}", 1));
  auto train = run_recur("train " + path("hidden.yaml"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const nlohmann::json final_row = last_json_line(train.out);
  EXPECT_EQ(final_row.at("eval/ARC/tasks"), 0) << final_row.dump();
  EXPECT_FALSE(final_row.contains("eval/ARC/pass@2")) << final_row.dump();
  const nlohmann::json sub = nlohmann::json::parse(
      read_whole_file(path("run/eval/step_") + std::to_string(final_row.at("step").get<int64_t>()) + "/submission.json"));
  const nlohmann::json challenges = nlohmann::json::parse(read_whole_file(path("hidden_challenges.json")));
  ASSERT_EQ(sub.size(), challenges.size());
  for (const auto& [task, body] : challenges.items()) {
    ASSERT_TRUE(sub.contains(task));
    EXPECT_EQ(sub[task].size(), body["test"].size());
    EXPECT_TRUE(sub[task][0]["attempt_1"].is_array());
  }

  // recur predict on tasks the run never saw: the new rows are adapted for a
  // few steps, the submission answers every test input, and with solutions
  // (the sibling file) pass@1/pass@2 come with their intervals.
  auto gen = run_recur("data arc --generate 3 --max-size 5 --seed 9 --out " + path("new_challenges.json"));
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto predict = run_recur("predict " + path("run") + " --challenges " + path("new_challenges.json") +
                           " --steps 3 --out " + path("predicted/submission.json") + " lr_warmup_steps=1");
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  const nlohmann::json row = last_json_line(predict.out);
  EXPECT_EQ(row.at("adapt"), "embeddings");
  EXPECT_EQ(row.at("tasks"), 3);
  EXPECT_EQ(row.at("ARC/tasks"), 3);
  for (const char* key : {"ARC/pass@1", "ARC/pass@2/ci95_low", "ARC/pass@2/ci95_high", "peak_mem_mb"})
    EXPECT_TRUE(row.contains(key)) << key << " " << row.dump();
  EXPECT_NE(predict.err.find("inference batch"), std::string::npos) << predict.err;
  const nlohmann::json predicted = nlohmann::json::parse(read_whole_file(path("predicted/submission.json")));
  const nlohmann::json new_tasks = nlohmann::json::parse(read_whole_file(path("new_challenges.json")));
  ASSERT_EQ(predicted.size(), new_tasks.size());
  for (const auto& [task, body] : new_tasks.items()) EXPECT_EQ(predicted[task].size(), body["test"].size()) << task;
  EXPECT_TRUE(fs::exists(path("predicted/submission.predictions.json")));
  // Without solutions there is nothing to score, only the submission.
  fs::remove(path("new_solutions.json"));
  auto hidden = run_recur("predict " + path("run") + " --challenges " + path("new_challenges.json") +
                          " --steps 0 --out " + path("hidden_predicted.json"));
  ASSERT_EQ(hidden.exit_code, 0) << hidden.err;
  EXPECT_EQ(last_json_line(hidden.out).at("adapt"), "none");
  EXPECT_FALSE(last_json_line(hidden.out).contains("ARC/pass@2"));
  EXPECT_TRUE(fs::exists(path("hidden_predicted.json")));
}

}  // namespace
}  // namespace recur::testing
