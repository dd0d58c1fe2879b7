// `recur bench` through the real binary, briefly: a tiny config for a couple of
// steps, checking that it runs and reports every key. Functional checks only: CI
// never asserts a speed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "recur_process.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;
using recur::testing::run_recur;

nlohmann::json last_json_line(const std::string& out) {
  const size_t start = out.rfind('\n', out.size() - 2);
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1));
}

const std::string kTinyTrm =
    " arch.hidden_size=64 arch.num_heads=4 arch.puzzle_emb_ndim=64 arch.H_cycles=2 arch.L_cycles=1"
    " global_batch_size=4 threads=1 --steps 2 --warmup 1 --peak-size 128 --peak-seconds 0.01";

std::string recipe(const std::string& name) { return std::string(RECUR_SOURCE_DIR) + "/recipes/" + name; }

TEST(BenchCli, ReportsEveryKeyForATinyTrmMlpOnSudokuDefaults) {
  // The recipe's data file does not exist here: the Sudoku defaults give the shapes.
  const auto r = run_recur("bench " + recipe("trm-sudoku-mlp.yaml") + kTinyTrm + " data_paths=[no/sudoku-x.h5]");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = last_json_line(r.out);
  for (const char* key : {"samples_per_s", "ms_per_step", "flops_per_step", "achieved_flops", "peak_flops", "mfu",
                          "peak_mem_mb", "allreduce_share", "data_wait_share"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j[key].is_number()) << key;
  }
  EXPECT_GT(j["samples_per_s"].get<double>(), 0);
  EXPECT_GT(j["flops_per_step"].get<double>(), 0);
  EXPECT_GT(j["mfu"].get<double>(), 0);
  EXPECT_GT(j["peak_mem_mb"].get<double>(), 0);
  EXPECT_GE(j["data_wait_share"].get<double>(), 0);
  EXPECT_LT(j["data_wait_share"].get<double>(), 1);
  EXPECT_EQ(j["seq_len"], 81);
  EXPECT_EQ(j["vocab_size"], 11);
  EXPECT_EQ(j["global_batch_size"], 4);
}

// Every op of a step lands on one line of the --profile table: the shares cover the
// wall time exactly once, and each phase the model has shows up.
void expect_profile_covers_the_step(const nlohmann::json& profile, bool attention) {
  double sum = 0;
  for (const char* key : {"matmuls", "attention", "elementwise", "loss", "optimizers_ema", "allocation", "data",
                          "all_reduce", "other"}) {
    ASSERT_TRUE(profile.contains(key)) << key;
    const double share = profile[key].get<double>();
    EXPECT_GE(share, 0) << key;
    EXPECT_LE(share, 1) << key;
    sum += share;
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
  for (const char* key : {"matmuls", "elementwise", "loss", "optimizers_ema", "data"})
    EXPECT_GT(profile[key].get<double>(), 0) << key;
  if (attention) {
    EXPECT_GT(profile["attention"].get<double>(), 0);
  } else {
    EXPECT_EQ(profile["attention"].get<double>(), 0);
  }
  EXPECT_GT(profile["matmul_attention_mfu"].get<double>(), 0);
}

TEST(BenchCli, ProfileBreaksTheStepDownForAttentionAndMlpModels) {
  const auto arc = run_recur("bench " + recipe("trm-arc1.yaml") + kTinyTrm + " data_paths=[no/arc.h5] --profile");
  ASSERT_EQ(arc.exit_code, 0) << arc.err;
  expect_profile_covers_the_step(last_json_line(arc.out)["profile"], /*attention=*/true);
  EXPECT_NE(arc.err.find("profile: matmuls"), std::string::npos) << arc.err;

  const auto mlp =
      run_recur("bench " + recipe("trm-sudoku-mlp.yaml") + kTinyTrm + " data_paths=[no/sudoku.h5] --profile");
  ASSERT_EQ(mlp.exit_code, 0) << mlp.err;
  expect_profile_covers_the_step(last_json_line(mlp.out)["profile"], /*attention=*/false);
}

TEST(BenchCli, EvalTimesTestBatchesThroughEveryActStep) {
  const auto r = run_recur("bench " + recipe("trm-sudoku-mlp.yaml") + kTinyTrm +
                           " data_paths=[no/sudoku.h5] arch.halt_max_steps=3 --eval");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = last_json_line(r.out);
  EXPECT_GT(j["eval_examples_per_s"].get<double>(), 0);
  EXPECT_DOUBLE_EQ(j["eval_examples_per_s"].get<double>(), j["samples_per_s"].get<double>());
  EXPECT_GT(j["eval_ms_per_batch"].get<double>(), 0);
  EXPECT_GT(j["mfu"].get<double>(), 0);
  EXPECT_NE(r.err.find("3 ACT steps"), std::string::npos) << r.err;
}

TEST(BenchCli, FlagsGiveTheShapeWhenTheTaskIsUnknown) {
  const auto missing = run_recur("bench " + recipe("trm-sudoku-mlp.yaml") + kTinyTrm + " data_paths=[x.h5]");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--seq-len"), std::string::npos) << missing.err;

  const auto r = run_recur("bench " + recipe("trm-arc1.yaml") + kTinyTrm +
                           " data_paths=[x.h5] --vocab-size 7 --seq-len 9 --num-puzzle-identifiers 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = last_json_line(r.out);
  EXPECT_EQ(j["seq_len"], 9);
  EXPECT_EQ(j["vocab_size"], 7);
  EXPECT_EQ(j["num_puzzle_identifiers"], 3);
}

TEST(BenchCli, LoaderModeReadsTheRecipesDataFile) {
  const fs::path dir = fs::temp_directory_path() / ("recur_bench_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string data = (dir / "s.h5").string();
  const auto built = run_recur("data sudoku --generate 60 --givens 40 --train-size 50 --test-size 10 --augment 1 "
                               "--out " + data);
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const auto r = run_recur("bench " + recipe("trm-sudoku-mlp.yaml") + " data_paths=[" + data +
                           "] global_batch_size=8 --loader --loader-batches 20");
  fs::remove_all(dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = last_json_line(r.out);
  EXPECT_GT(j["loader_samples_per_s"].get<double>(), 0);
  EXPECT_EQ(j["batches"], 20);
}

}  // namespace
}  // namespace recur::trainer
