// Optimizers: sparse sign-SGD with lazy decay, AdamATan2 (first step, state round trip),
// EMA, and the warm-up + cosine schedule.
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "common/libtorch.h"
#include "trainer/optim/adam_atan2.h"
#include "trainer/optim/ema.h"
#include "trainer/optim/lr_schedule.h"
#include "trainer/optim/sign_sgd.h"

namespace recur::trainer {
namespace {

TEST(SignSgd, UpdatesTouchedRowsOnceWithTheSignOfTheSummedGradient) {
  torch::Tensor table = torch::ones({5, 2});
  const torch::Tensor ids = torch::tensor({3, 1, 3, 1}, torch::kInt32);
  const torch::Tensor grads = torch::tensor({{1.0f, -2.0f}, {0.5f, 1.0f}, {-3.0f, 2.0f}, {-0.5f, 1.0f}});
  sign_sgd_step(table, ids, grads, /*lr=*/0.1, /*weight_decay=*/0.5);
  const float decayed = 1.0f * (1.0f - 0.1f * 0.5f);
  // id 3: sum (-2, 0) -> sign (-1, 0); id 1: sum (0, 2) -> sign (0, 1). sign(0) = 0: decay only.
  EXPECT_TRUE(torch::allclose(table[3], torch::tensor({decayed + 0.1f, decayed})));
  EXPECT_TRUE(torch::allclose(table[1], torch::tensor({decayed, decayed - 0.1f})));
  for (int r : {0, 2, 4}) EXPECT_TRUE(torch::equal(table[r], torch::ones({2}))) << "untouched row " << r;
  const auto [row_ids, summed] = sum_rows_by_id(ids, grads);
  EXPECT_TRUE(torch::equal(row_ids, torch::tensor({1, 3}, torch::kInt32)));
  EXPECT_TRUE(torch::allclose(summed, torch::tensor({{0.0f, 2.0f}, {-2.0f, 0.0f}})));
}

TEST(AdamATan2, FirstStepIsABoundedSignStepWithDecoupledDecay) {
  torch::Tensor p = torch::full({3}, 2.0, torch::kFloat64), m = torch::zeros_like(p), v = torch::zeros_like(p);
  const torch::Tensor g = torch::tensor({1e-6, -5.0, 0.0}, torch::kFloat64);
  adam_atan2_update(p, g, m, v, 1e-3, 1, {0.9, 0.95, 0.1});
  // m = 0.1 g, sqrt(v)/sqrt(1-b2) = |g|: update = lr/(1-b1) atan(0.1) sign(g), whatever |g|.
  const double step = 1e-3 / 0.1 * std::atan(0.1), decayed = 2.0 * (1 - 1e-4);
  EXPECT_NEAR(p[0].item<double>(), decayed - step, 1e-15);
  EXPECT_NEAR(p[1].item<double>(), decayed + step, 1e-15);
  EXPECT_NEAR(p[2].item<double>(), decayed, 1e-15);  // atan2(0, 0) = 0: only the decay
}

TEST(AdamATan2, RestoredStateContinuesBitIdentically) {
  auto make_param = [] { return torch::arange(6, torch::kFloat32).reshape({2, 3}).requires_grad_(true); };
  const torch::Tensor grad = torch::tensor({{0.1f, -0.2f, 0.3f}, {0.0f, 1.0f, -1.0f}});
  torch::Tensor a = make_param(), b = make_param();
  AdamATan2 opt_a({{"w", a}}, {}), opt_b({{"w", b}}, {});
  for (int i = 0; i < 2; ++i) {
    a.mutable_grad() = grad * (i + 1);
    opt_a.step(1e-2);
  }
  {
    torch::NoGradGuard no_grad;
    b.copy_(a);
  }
  opt_b.load_state(opt_a.state(), "optim.h5");
  EXPECT_EQ(opt_b.steps_taken(), 2);
  a.mutable_grad() = grad;
  b.mutable_grad() = grad;
  opt_a.step(1e-2);
  opt_b.step(1e-2);
  EXPECT_TRUE(torch::equal(a, b));
  opt_a.zero_grad();
  EXPECT_FALSE(a.grad().defined());
  NamedTensors bad = opt_a.state();
  bad[1].second = torch::zeros({3});
  EXPECT_THROW(opt_b.load_state(bad, "optim.h5"), InputError);
}

TEST(Ema, ShadowIsTheExponentialAverageOfTheParameters) {
  torch::Tensor p = torch::zeros({2});
  Ema ema({{"p", p}}, 0.75);
  p.fill_(4.0);
  ema.update({{"p", p}});
  EXPECT_TRUE(torch::allclose(ema.shadow()[0].second, torch::full({2}, 1.0)));
  ema.update({{"p", p}});
  EXPECT_TRUE(torch::allclose(ema.shadow()[0].second, torch::full({2}, 1.75)));
  EXPECT_THROW(ema.load_state({{"q", p}}, "ema.h5"), InputError);
}

TEST(LrSchedule, LinearWarmupFromStepOneThenCosineToTheMinimumRatio) {
  EXPECT_DOUBLE_EQ(lr_at_step(1, 1e-4, 2000, 10000, 1.0), 1e-4 / 2000);
  EXPECT_DOUBLE_EQ(lr_at_step(1000, 1e-4, 2000, 10000, 1.0), 0.5e-4);
  EXPECT_DOUBLE_EQ(lr_at_step(5000, 1e-4, 2000, 10000, 1.0), 1e-4);  // ratio 1: constant after warm-up
  EXPECT_DOUBLE_EQ(lr_at_step(2000, 1e-4, 2000, 10000, 0.1), 1e-4);
  EXPECT_NEAR(lr_at_step(6000, 1e-4, 2000, 10000, 0.1), 1e-4 * 0.55, 1e-15);  // half way: (1 + 0.1) / 2
  EXPECT_NEAR(lr_at_step(10000, 1e-4, 2000, 10000, 0.1), 1e-5, 1e-15);
}

}  // namespace
}  // namespace recur::trainer
