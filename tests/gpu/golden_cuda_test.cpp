// Every golden fixture on the GPU (tests/golden/, urm/ included): in float32 with TF32 off at the
// fixtures' README tolerances, and in bfloat16, the GPU training dtype, against the
// provisional bf16 bounds of golden/tolerances.h. Both print the worst relative
// error of each kind of quantity, which is how the bf16 errors are measured (the
// figures for docs/gpu.md come from the first GPU run's log).
#include <gtest/gtest.h>

#include <iostream>
#include <vector>

#include "gpu_available.h"
#include "test_paths.h"
#include "trainer/golden/verify.h"

namespace recur::trainer {
namespace {

// Runs every fixture in `dtype` on cuda:0; every check must pass. Prints each
// fixture's worst relative error (and the failing checks).
void expect_fixtures_pass_on_gpu(torch::ScalarType dtype) {
  const GoldenOptions options{torch::Device(torch::kCUDA, 0), dtype};
  const std::vector<std::string> files = recur::testing::golden_fixture_files();
  ASSERT_GE(files.size(), 8u);  // URM's two (urm/) included
  for (const std::string& name : files) {
    const std::string file = recur::testing::golden_dir() + "/" + name;
    const GoldenReport report = verify_golden(file, options);
    ASSERT_FALSE(report.checks.empty()) << file;
    double worst = 0;
    std::string worst_name;
    for (const Check& c : report.checks) {
      EXPECT_TRUE(c.pass) << format_check(c);
      if (c.mode == CheckMode::kRelative && c.rel >= worst) {
        worst = c.rel;
        worst_name = c.name;
      }
    }
    std::cout << "[ golden ] " << (dtype == torch::kBFloat16 ? "bfloat16 " : "float32  ")
              << name << ": " << report.checks.size()
              << " checks, worst relative error " << worst << " (" << worst_name << ")" << std::endl;
  }
}

TEST(GoldenOnGpu, EveryFixtureInFloat32WithoutTf32) {
  RECUR_GPU_OR_SKIP();
  expect_fixtures_pass_on_gpu(torch::kFloat32);
}

TEST(GoldenOnGpu, EveryFixtureInBfloat16WithinTheProvisionalBounds) {
  RECUR_GPU_OR_SKIP();
  expect_fixtures_pass_on_gpu(torch::kBFloat16);
}

}  // namespace
}  // namespace recur::trainer
