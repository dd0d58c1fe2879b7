// Optimizers: sparse sign-SGD with lazy decay, the flat parameter buffers, AdamATan2 (first
// step, one update per flat buffer, state round trip), EMA, and the warm-up + cosine schedule
// (with URM's lag, which every caller of rates_at_step gets: training, adaptation, bench).
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "common/libtorch.h"
#include "distributed/flat_gradients.h"
#include "trainer/optim/adam_atan2.h"
#include "trainer/optim/ema.h"
#include "trainer/optim/flat_buffers.h"
#include "trainer/optim/lr_schedule.h"
#include "trainer/optim/sign_sgd.h"
#include "trainer/train/train_step.h"

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

// Two parameters of one model (one flat buffer), their gradients in a FlatGradients,
// as the trainer holds them. Sizes are multiples of 16 so that ATen's vectorised
// loops cover every element whether they run per tensor or over the buffer.
struct FlatTestModel {
  torch::Tensor w = torch::arange(32, torch::kFloat32).reshape({4, 8}).div(10).requires_grad_(true);
  torch::Tensor b = torch::linspace(-1, 1, 16).requires_grad_(true);
  NamedTensors named() const { return {{"w", w}, {"b", b}}; }
  FlatBuffers params = FlatBuffers::adopt(named());
  distributed::FlatGradients grads{{w, b}};
  void set_grads(double scale) {
    torch::NoGradGuard no_grad;
    w.grad().copy_(torch::sin(torch::arange(32, torch::kFloat32)).reshape({4, 8}) * scale);
    b.grad().copy_(torch::cos(torch::arange(16, torch::kFloat32)) * scale);
  }
};

TEST(FlatBuffers, ParametersKeepTheirValuesInOneBufferWithSlicesAndStateOfTheSameLayout) {
  FlatTestModel m;
  ASSERT_EQ(m.params.buffers().size(), 1u);
  const torch::Tensor& buffer = m.params.buffers()[0];
  EXPECT_TRUE(torch::equal(buffer, torch::cat({torch::arange(32, torch::kFloat32).div(10), torch::linspace(-1, 1, 16)})));
  EXPECT_EQ(m.w.data_ptr(), buffer.data_ptr());
  EXPECT_EQ(m.b.data_ptr<float>(), buffer.data_ptr<float>() + 32);
  EXPECT_TRUE(m.w.requires_grad());
  const FlatBuffers state = m.params.zeros_like("exp_avg/");
  ASSERT_EQ(state.slices().size(), 2u);
  EXPECT_EQ(state.slices()[1].first, "exp_avg/b");
  EXPECT_EQ(state.slices()[0].second.sizes(), m.w.sizes());
  EXPECT_EQ(state.slices()[1].second.data_ptr<float>(), state.buffers()[0].data_ptr<float>() + 32);
  m.params.check_gradient_layout(m.grads.buffers());
  m.b.mutable_grad() = torch::zeros({16});  // no longer the flat buffer's slice
  EXPECT_THROW(m.params.check_gradient_layout(m.grads.buffers()), std::logic_error);
}

TEST(AdamATan2, OneUpdatePerFlatBufferEqualsTheUpdateOfEachTensor) {
  FlatTestModel m;
  AdamATan2 adam(m.params, m.grads.buffers(), {});
  torch::Tensor w = m.w.detach().clone(), b = m.b.detach().clone();
  torch::Tensor mw = torch::zeros_like(w), vw = torch::zeros_like(w), mb = torch::zeros_like(b), vb = torch::zeros_like(b);
  for (int t = 1; t <= 3; ++t) {
    m.set_grads(t);
    adam.step(1e-2);
    adam_atan2_update(w, m.w.grad(), mw, vw, 1e-2, t, {});
    adam_atan2_update(b, m.b.grad(), mb, vb, 1e-2, t, {});
  }
  EXPECT_TRUE(torch::equal(m.w, w));
  EXPECT_TRUE(torch::equal(m.b, b));
  EXPECT_TRUE(torch::equal(find_named(adam.state(), "exp_avg_sq/b"), vb));
  m.w.mutable_grad() = torch::zeros_like(w);  // what zero_grad(set_to_none) would break
  EXPECT_THROW(adam.step(1e-2), std::logic_error);
}

TEST(AdamATan2, RestoredStateContinuesBitIdentically) {
  FlatTestModel a, b;
  AdamATan2 opt_a(a.params, a.grads.buffers(), {}), opt_b(b.params, b.grads.buffers(), {});
  for (int i = 0; i < 2; ++i) {
    a.set_grads(i + 1);
    opt_a.step(1e-2);
  }
  {
    torch::NoGradGuard no_grad;
    b.params.buffers()[0].copy_(a.params.buffers()[0]);
  }
  opt_b.load_state(opt_a.state(), "optim.h5");
  EXPECT_EQ(opt_b.steps_taken(), 2);
  a.set_grads(1);
  b.set_grads(1);
  opt_a.step(1e-2);
  opt_b.step(1e-2);
  EXPECT_TRUE(torch::equal(a.w, b.w));
  EXPECT_TRUE(torch::equal(a.b, b.b));
  NamedTensors bad = opt_a.state();
  bad[1].second = torch::zeros({3});  // exp_avg/w of the wrong shape
  EXPECT_THROW(opt_b.load_state(bad, "optim.h5"), InputError);
}

TEST(Ema, ShadowIsTheExponentialAverageOfTheParameters) {
  torch::Tensor p = torch::zeros({2}), q = torch::ones({3});
  const FlatBuffers params = FlatBuffers::adopt({{"p", p}, {"q", q}});
  Ema ema(params, 0.75);
  {
    torch::NoGradGuard no_grad;
    p.fill_(4.0);
  }
  ema.update();
  EXPECT_TRUE(torch::allclose(ema.shadow()[0].second, torch::full({2}, 1.0)));
  EXPECT_TRUE(torch::equal(ema.shadow()[1].second, torch::ones({3})));
  ema.update();
  EXPECT_TRUE(torch::allclose(ema.shadow()[0].second, torch::full({2}, 1.75)));
  EXPECT_EQ(ema.shadow()[1].first, "q");
  EXPECT_THROW(ema.load_state({{"r", p}}, "ema.h5"), InputError);
}

TEST(LrSchedule, LinearWarmupFromStepOneThenCosineToTheMinimumRatio) {
  EXPECT_DOUBLE_EQ(lr_at_step(1, 1e-4, 2000, 10000, 1.0), 1e-4 / 2000);
  EXPECT_DOUBLE_EQ(lr_at_step(1000, 1e-4, 2000, 10000, 1.0), 0.5e-4);
  EXPECT_DOUBLE_EQ(lr_at_step(5000, 1e-4, 2000, 10000, 1.0), 1e-4);  // ratio 1: constant after warm-up
  EXPECT_DOUBLE_EQ(lr_at_step(2000, 1e-4, 2000, 10000, 0.1), 1e-4);
  EXPECT_NEAR(lr_at_step(6000, 1e-4, 2000, 10000, 0.1), 1e-4 * 0.55, 1e-15);  // half way: (1 + 0.1) / 2
  EXPECT_NEAR(lr_at_step(10000, 1e-4, 2000, 10000, 0.1), 1e-5, 1e-15);
}

TEST(LrSchedule, ScheduleLagReadsTheRateOfTheStepBefore) {
  Config c;
  c.lr = 1e-4;
  c.puzzle_emb_lr = 1e-2;
  c.lr_warmup_steps = 10;
  c.lr_min_ratio = 1.0;
  EXPECT_DOUBLE_EQ(rates_at_step(c, 1, 100).lr, 1e-5);
  c.lr_schedule_lag = 1;  // URM: the first update runs at lr 0, the second at the first's rate
  EXPECT_DOUBLE_EQ(rates_at_step(c, 1, 100).lr, 0.0);
  EXPECT_DOUBLE_EQ(rates_at_step(c, 1, 100).puzzle_emb_lr, 0.0);
  EXPECT_DOUBLE_EQ(rates_at_step(c, 2, 100).lr, 1e-5);
}

}  // namespace
}  // namespace recur::trainer
