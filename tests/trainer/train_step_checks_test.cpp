// The step's checks kept on the device (train_step.h), on CPU tensors: the same code
// runs on the GPU, where the trainer reads them only every log_interval.
//   - NonFiniteWatch keeps the first step whose verdict was not 0 and throws naming it,
//     however many good or bad steps follow;
//   - read_step_metrics gives the normalised metrics of the sums it was handed;
//   - a step defers its checks only on CUDA with device_metrics on.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "trainer/train/train_step.h"

namespace recur::trainer {
namespace {

StepMetrics step_with_verdict(int64_t verdict) {
  StepMetrics m;
  m.keys = {"accuracy", "count", "loss"};
  m.totals = torch::tensor({6.0, 8.0, 4.0}, torch::kFloat64);
  m.verdict = torch::full({}, verdict, torch::kLong);
  return m;
}

std::string check_message(const NonFiniteWatch& watch) {
  try {
    watch.check();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(DeferredStepChecks, WatchNamesTheFirstNonFiniteStep) {
  NonFiniteWatch watch;
  EXPECT_NO_THROW(watch.check());  // nothing recorded yet
  for (int64_t step = 1; step <= 4; ++step) watch.record(step_with_verdict(0), step);
  EXPECT_NO_THROW(watch.check());
  watch.record(step_with_verdict(2), 5);  // a non-finite gradient at step 5
  watch.record(step_with_verdict(0), 6);
  watch.record(step_with_verdict(1), 7);  // a later non-finite loss does not replace it
  EXPECT_EQ(check_message(watch), "step 5: non-finite gradient; stopping (the last checkpoint is the last good state)");
  EXPECT_EQ(check_message(watch), check_message(watch));  // reading does not reset it
}

TEST(DeferredStepChecks, ReadGivesTheNormalisedMetrics) {
  const Metrics m = read_step_metrics(step_with_verdict(0), /*global_batch_size=*/8);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_DOUBLE_EQ(m.at("loss"), 0.5);       // losses: over the global batch
  EXPECT_DOUBLE_EQ(m.at("accuracy"), 0.75);  // the rest: over the count
}

TEST(DeferredStepChecks, OnlyCudaWithDeviceMetricsDefers) {
  Config config;
  EXPECT_FALSE(defers_checks(config, torch::kCPU));
  EXPECT_TRUE(defers_checks(config, torch::Device(torch::kCUDA, 0)));
  config.device_metrics = false;
  EXPECT_FALSE(defers_checks(config, torch::Device(torch::kCUDA, 0)));
}

}  // namespace
}  // namespace recur::trainer
