// End to end through the real binary: build a tiny dataset, train a tiny
// model for a few dozen steps, evaluate it, and check what a run leaves
// behind: metrics.jsonl, config.yaml, checkpoints, the eval output (ARC's
// are in arc_e2e_test.cpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "trainer/config/config_loader.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

using recur::testing::read_whole_file;
using recur::testing::run_recur;
using TrainEndToEnd = TrainingRunTest;

// A tiny TRM-MLP on generated Sudoku: 250 train groups (a puzzle and one
// shuffle), batch 16, 2 epochs with an evaluation after each. An epoch draws
// one example per group and drops the last partial batch, as the reference
// does: 15 steps an epoch, 30 in all (the schedule's total, int(2 * 250 / 16)
// = 31, is never reached, as in the reference).
TEST_F(TrainEndToEnd, SudokuRunWritesMetricsCheckpointsAndMatchingEval) {
  auto data = run_recur("data sudoku --generate 300 --givens 40 --train-size 250 --test-size 50 --augment 1 --seed 3 "
                        "--out " + path("sudoku.h5"));
  ASSERT_EQ(data.exit_code, 0) << data.err;
  write("tiny.yaml", "include: " + std::string(RECUR_SOURCE_DIR) + "/recipes/base/trm.yaml\n" +
                         "data_paths: [" + path("sudoku.h5") + "]\n" + "run_dir: " + path("run") + "\n" + R"(
evaluators: []
global_batch_size: 16
epochs: 2
eval_interval: 1
lr: 1.0e-3
puzzle_emb_lr: 1.0e-2
lr_warmup_steps: 10
log_interval: 1
checkpoint_interval: 10
keep_checkpoints: 1
threads: 2
arch: {hidden_size: 32, num_heads: 2, puzzle_emb_ndim: 32, mlp_t: true, pos_encodings: none,
       H_cycles: 2, L_cycles: 1, halt_max_steps: 3}
)");
  auto train = run_recur("train " + path("tiny.yaml"));
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const nlohmann::json final_row = last_json_line(train.out);
  EXPECT_EQ(final_row.at("step"), 30);

  // metrics.jsonl: one train row per step with the documented keys, then the eval rows.
  const std::vector<nlohmann::json> rows = trainer::read_metrics(path("run/metrics.jsonl"));
  std::vector<nlohmann::json> train_rows, eval_rows;
  for (const auto& row : rows) (row.contains("eval/exact_accuracy") ? eval_rows : train_rows).push_back(row);
  ASSERT_EQ(train_rows.size(), 30u);
  for (const char* key : {"step", "epoch", "lr", "loss", "lm_loss", "q_halt_loss", "accuracy", "exact_accuracy",
                          "steps", "samples_per_s", "ms_per_step", "peak_mem_mb"})
    EXPECT_TRUE(train_rows.back().contains(key)) << key;
  for (size_t i = 0; i < train_rows.size(); ++i) EXPECT_EQ(train_rows[i].at("step"), static_cast<int>(i + 1));
  EXPECT_DOUBLE_EQ(train_rows[4].at("lr").get<double>(), 1e-3 * 5 / 10);  // warmup: lr * step / 10
  EXPECT_DOUBLE_EQ(train_rows[20].at("lr").get<double>(), 1e-3);           // then constant (lr_min_ratio 1)
  EXPECT_LT(train_rows.back().at("lm_loss").get<double>(), train_rows.front().at("lm_loss").get<double>());
  ASSERT_EQ(eval_rows.size(), 2u);
  EXPECT_EQ(eval_rows[1].at("step"), 30);
  EXPECT_EQ(eval_rows[1].at("eval/count"), 50.0);

  // The resolved config is saved and loads back.
  const trainer::Config saved = trainer::config_from_yaml(read_whole_file(path("run/config.yaml")), "config.yaml");
  EXPECT_EQ(saved.arch.hidden_size, 32);
  EXPECT_EQ(saved.run_dir, path("run"));

  // Checkpoints: keep_checkpoints 1 keeps only the newest (step 30, the final eval one), so the periodic
  // ones at 10 and 20 are pruned; eval checkpoints (15, 30) stay. All complete.
  std::vector<std::string> kept;
  for (const auto& entry : fs::directory_iterator(path("run/checkpoints"))) {
    kept.push_back(entry.path().filename().string());
    EXPECT_TRUE(fs::exists(entry.path() / "COMPLETE")) << entry.path();
    EXPECT_TRUE(fs::exists(entry.path() / "model.h5")) << entry.path();
    EXPECT_TRUE(fs::exists(entry.path() / "rank_00000.h5")) << entry.path();
  }
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<std::string>{"step_00000015", "step_00000030"}));

  // recur eval on the last checkpoint reproduces the in-training evaluation.
  auto eval = run_recur("eval " + path("run/checkpoints/step_00000030"));
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const nlohmann::json ev = last_json_line(eval.out);
  EXPECT_EQ(ev.at("step"), 30);
  EXPECT_EQ(ev.at("weights"), "ema");
  for (const auto& [key, value] : eval_rows[1].items()) {
    if (key.rfind("eval/", 0) == 0) EXPECT_EQ(ev.at(key), value) << key;
  }
  EXPECT_EQ(ev.at("eval/exact_accuracy"), final_row.at("eval/exact_accuracy"));
}

}  // namespace
}  // namespace recur::testing
