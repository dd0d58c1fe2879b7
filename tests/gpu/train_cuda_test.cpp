// Training on the GPU through the real binary, with the tiny TRM-MLP Sudoku run of
// the CPU training tests (tests/trainer/training_runs.h) on device=cuda with
// deterministic kernels:
//   - a run stopped and resumed ends bit-identical to one that never stopped
//     (weights, EMA, moments, puzzle table, carry, RNG, loader; every metric);
//   - the speed switches change nothing: CUDA graphs and device metrics on (the
//     defaults) give the same bits as both off;
//   - a non-finite loss stops the run with the step named and a loadable checkpoint,
//     also when the check waits on the GPU until the next read;
//   - running out of GPU memory is one clear line and exit 1.
#include <regex>

#include "gpu_available.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

constexpr const char* kGpu = "device=cuda deterministic=true ";

class TrainOnGpu : public TrainingRunTest {
 protected:
  void SetUp() override {
    TrainingRunTest::SetUp();
    RECUR_GPU_OR_SKIP();
    make_sudoku_data();
  }
  void expect_same_eval_checkpoints(const std::string& a, const std::string& b) {
    for (int64_t step : {10, 20, 30})
      EXPECT_TRUE(same_checkpoint_state(checkpoint(a, step), checkpoint(b, step))) << a << " vs " << b << " step "
                                                                                   << step;
  }
};

TEST_F(TrainOnGpu, StopAndResumeIsBitIdentical) {
  train("straight", 1, std::string(kGpu) + "checkpoint_interval=0");
  train("split", 1, std::string(kGpu) + "stop_after_steps=15 checkpoint_interval=4");
  auto second = start_train("split", 1, std::string(kGpu) + "stop_after_steps=15 checkpoint_interval=4");
  ASSERT_EQ(second->wait(), 0) << second->err();
  EXPECT_NE(second->err().find("resumed from"), std::string::npos) << second->err();
  expect_same_eval_checkpoints("straight", "split");
  expect_same_metrics(path("split"), path("straight"), kTotalSteps);
}

TEST_F(TrainOnGpu, GraphsAndDeviceMetricsChangeNoBit) {
  train("fast", 1, std::string(kGpu) + "checkpoint_interval=0 cuda_graphs=true device_metrics=true");
  train("plain", 1, std::string(kGpu) + "checkpoint_interval=0 cuda_graphs=false device_metrics=false");
  expect_same_eval_checkpoints("fast", "plain");
  expect_same_metrics(path("fast"), path("plain"), kTotalSteps);
}

TEST_F(TrainOnGpu, NonFiniteLossStopsTheRunNamingTheStep) {
  for (const std::string deferred : {"true", "false"}) {
    const std::string run = "run_" + deferred;
    auto child = start_train(run, 1, std::string(kGpu) + "device_metrics=" + deferred +
                                         " log_interval=4 lr=1e37 lr_warmup_steps=0 checkpoint_interval=1 "
                                         "keep_checkpoints=5");
    ASSERT_EQ(child->wait(), 1) << child->err();
    EXPECT_TRUE(std::regex_search(child->err(), std::regex("step \\d+: non-finite (loss|gradient); stopping")))
        << child->err();
    const std::vector<int64_t> kept = complete_steps(path(run));
    ASSERT_FALSE(kept.empty()) << child->err();
    EXPECT_NO_THROW(checkpoints::read_bundle(checkpoints::step_folder(path(run), kept.back()) + "/model.h5"));
    EXPECT_LT(kept.back(), kTotalSteps);
  }
}

// A batch whose carry alone is larger than the card: the allocator's failure
// becomes one line that names the cause and the fix, exit 1, no stack dump.
TEST(OutOfGpuMemory, IsOneClearErrorAndExitOne) {
  RECUR_GPU_OR_SKIP();
  const auto r = run_recur("bench " + std::string(RECUR_SOURCE_DIR) +
                           "/recipes/trm-arc1.yaml device=cuda global_batch_size=200000 --steps 1 --warmup 0 "
                           "--peak-size 256 --peak-seconds 0.01");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex("recur: error: out of GPU memory \\(.*\\): the batch is too large")))
      << r.err;
  EXPECT_EQ(r.err.find("recur: error"), r.err.rfind("recur: error")) << r.err;  // one error line
  EXPECT_EQ(r.err.find("Exception raised from"), std::string::npos) << r.err;  // no torch backtrace
  EXPECT_EQ(r.err.find("terminate called"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace recur::testing
