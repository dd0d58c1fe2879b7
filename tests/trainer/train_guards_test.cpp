// The trainer's optional and protective paths, through the real binary:
// gradient accumulation keeps the update of the whole batch, gradient
// clipping acts only above its norm, and a non-finite loss stops the run with
// a clear message while the last good checkpoint stays.
#include <regex>

#include "training_runs.h"

namespace recur::testing {
namespace {

// Every model weight of two checkpoints within |a - b| <= 1e-5 + 1e-4 |a|:
// splitting the batch into micro-batches only changes the summation order of
// the gradients (float32 noise of order 1e-8 here), while a lost or doubled
// micro-batch moves weights by the update size, lr = 1e-3.
::testing::AssertionResult close_weights(const std::string& a_file, const std::string& b_file) {
  const auto a = checkpoints::read_bundle(a_file).group("model"), b = checkpoints::read_bundle(b_file).group("model");
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "tensor counts differ";
  for (size_t i = 0; i < a.size(); ++i) {
    const torch::Tensor x = a[i].second.to(torch::kFloat64), y = b[i].second.to(torch::kFloat64);
    const torch::Tensor outside = (x - y).abs() > 1e-5 + 1e-4 * x.abs();
    if (outside.any().item<bool>())
      return ::testing::AssertionFailure() << a[i].first << ": max |a - b| "
                                           << (x - y).abs().max().item<double>();
  }
  return ::testing::AssertionSuccess();
}

std::string model_file(const std::string& folder) { return folder + "/" + checkpoints::kModelFileName; }

using TrainGuards = TrainingRunTest;

// 8 rows as one batch or as 2 (and 4) micro-batches: the same weights after 6 steps.
// Exploration off: its random draws are per micro-batch.
TEST_F(TrainGuards, GradientAccumulationGivesTheWholeBatchUpdate) {
  make_sudoku_data();
  const std::string common = "stop_after_steps=6 checkpoint_interval=0 arch.halt_exploration_prob=0 ";
  train("whole", 1, common + "grad_accum_steps=1");
  train("two", 1, common + "grad_accum_steps=2");
  train("four", 1, common + "grad_accum_steps=4");
  EXPECT_TRUE(close_weights(model_file(checkpoint("whole", 6)), model_file(checkpoint("two", 6))));
  EXPECT_TRUE(close_weights(model_file(checkpoint("whole", 6)), model_file(checkpoint("four", 6))));
}

// A clip far above the gradient norm changes nothing (bit for bit); a tiny one changes the run.
TEST_F(TrainGuards, GradientClippingActsOnlyAboveItsNorm) {
  make_sudoku_data();
  const std::string common = "stop_after_steps=4 checkpoint_interval=0 ";
  train("off", 1, common + "grad_clip_norm=0");
  train("loose", 1, common + "grad_clip_norm=1e9");
  train("tight", 1, common + "grad_clip_norm=1e-6");
  EXPECT_TRUE(same_checkpoint_state(checkpoint("off", 4), checkpoint("loose", 4)));
  EXPECT_FALSE(close_weights(model_file(checkpoint("off", 4)), model_file(checkpoint("tight", 4))));
}

// An absurd learning rate blows the weights up after the first update: the next
// step's loss is not finite. The run stops with exit 1 and one line naming the step,
// and the checkpoint of step 1 is complete and loads.
TEST_F(TrainGuards, NonFiniteLossStopsTheRunAndKeepsTheLastCheckpoint) {
  make_sudoku_data();
  auto run = start_train("run", 1, "lr=1e37 lr_warmup_steps=0 checkpoint_interval=1 keep_checkpoints=5");
  ASSERT_EQ(run->wait(), 1) << run->err();
  EXPECT_TRUE(std::regex_search(run->err(), std::regex("step \\d+: non-finite (loss|gradient); stopping")))
      << run->err();
  const std::vector<int64_t> kept = complete_steps(path("run"));
  ASSERT_FALSE(kept.empty()) << run->err();
  EXPECT_NO_THROW(checkpoints::read_bundle(model_file(checkpoint("run", kept.back()))));
  EXPECT_LT(kept.back(), kTotalSteps);
}

}  // namespace
}  // namespace recur::testing
