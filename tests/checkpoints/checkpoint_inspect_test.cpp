// `recur inspect CHECKPOINT`: step, config, parameter count, per-rank carry shapes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_inspect.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_writer.h"
#include "common/error.h"
#include "test_support.h"

namespace recur::checkpoints {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

using testing::contains;

// A small two-rank checkpoint (640 model elements) with an evaluation.
std::string save_small_checkpoint(const std::string& run, int64_t step) {
  return testing::save_two_ranks(run, step, /*eval=*/true, 640);
}

TEST(CheckpointInspect, DescribesStepConfigParametersAndCarryShapes) {
  ScratchDir run;
  std::string folder = save_small_checkpoint(run.path(), 77);
  nlohmann::json d = describe_checkpoint(folder);
  EXPECT_EQ(d["step"], 77);
  EXPECT_EQ(d["world_size"], 2);
  EXPECT_EQ(d["complete"], true);
  EXPECT_EQ(d["eval"], true);
  EXPECT_EQ(d["config"], "arch:\n  hidden_size: 64\nlr: 0.0001\n");
  // /model holds the 640-element weight and the 64-element H_init buffer (listed in model_buffers).
  EXPECT_EQ(d["parameters"], 640);
  EXPECT_EQ(d["model"]["groups"]["ema"]["tensors"], 1);
  ASSERT_EQ(d["ranks"].size(), 2u);
  EXPECT_EQ(d["ranks"][1]["rank"], 1);
  EXPECT_EQ(d["ranks"][1]["tensors"][0]["name"], "carry/z_H");
  EXPECT_EQ(d["ranks"][1]["tensors"][0]["dtype"], "bfloat16");
  EXPECT_EQ(d["ranks"][1]["tensors"][0]["shape"], nlohmann::json::array({4, 8, 64}));
  EXPECT_EQ(d["ranks"][1]["records"]["loader_cursor"], nlohmann::json::array({77, 1, 7}));

  std::string text = format_checkpoint_description(d);
  EXPECT_TRUE(contains(text, "status      complete (eval checkpoint)")) << text;
  EXPECT_TRUE(contains(text, "step        77")) << text;
  EXPECT_TRUE(contains(text, "parameters  640  (every /model tensor except the 1 buffers listed in model_buffers)"))
      << text;
  EXPECT_TRUE(contains(text, "carry/z_H  bfloat16 [4, 8, 64]")) << text;
  EXPECT_TRUE(contains(text, "config:\n  arch:\n    hidden_size: 64\n")) << text;
  EXPECT_EQ(describe_checkpoint(folder + "/rank_00000.h5"), d);  // a file in the folder describes the folder
}

TEST(CheckpointInspect, DescribesBrokenFoldersInsteadOfFailing) {
  ScratchDir run;
  std::string folder = save_small_checkpoint(run.path(), 5);
  fs::remove(folder + "/COMPLETE");
  testing::truncate_file(folder + "/rank_00001.h5", 100);
  nlohmann::json d = describe_checkpoint(folder);
  EXPECT_EQ(d["complete"], false);
  EXPECT_TRUE(contains(d["problem"], "never completed")) << d["problem"];
  EXPECT_EQ(d["step"], 5);  // from model.h5's step record
  EXPECT_TRUE(d["ranks"][1].contains("error"));
  std::string text = format_checkpoint_description(d);
  EXPECT_TRUE(contains(text, "INCOMPLETE")) << text;
  EXPECT_TRUE(contains(text, "rank_00001.h5  ERROR")) << text;
}

TEST(CheckpointInspect, LoneFileAndCountingWithoutABufferList) {
  ScratchDir dir;
  StateBundle b;
  b.add_tensor("model/a", torch::zeros({3, 4}));
  b.add_tensor("model/table", torch::zeros({10}));
  write_bundle(dir / "lone.h5", b);
  nlohmann::json d = describe_checkpoint(dir / "lone.h5");
  EXPECT_EQ(d["parameters"], 22);
  EXPECT_TRUE(contains(d["parameter_rule"], "lists no model_buffers"));
  EXPECT_THROW(describe_checkpoint(dir / "nothing"), InputError);
}

TEST(CheckpointInspect, RecognisesCheckpointPaths) {
  ScratchDir run;
  std::string folder = save_small_checkpoint(run.path(), 1);
  EXPECT_TRUE(is_checkpoint_path(folder));
  EXPECT_TRUE(is_checkpoint_path(folder + "/model.h5"));
  EXPECT_TRUE(is_checkpoint_path(folder + "/COMPLETE"));
  EXPECT_FALSE(is_checkpoint_path(run.path()));
  {
    H5Handle f = create_h5(run / "puzzles.h5");
    write_attr(f.get(), ".", "format", std::string("recur-puzzles"));
  }
  EXPECT_FALSE(is_checkpoint_path(run / "puzzles.h5"));
  EXPECT_FALSE(is_checkpoint_path(run / "missing.h5"));
}

}  // namespace
}  // namespace recur::checkpoints
