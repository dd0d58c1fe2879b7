// The fused CPU add_rms_norm against the composite rms_norm(r + u): forward and both
// gradients, on rows that fill the vector lanes and on rows with a scalar tail.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/csrc/autograd/function.h>  // Node::name(), which 1.13's narrower headers leave incomplete

#include "common/libtorch.h"
#include "trainer/models/rms_norm.h"

namespace recur::trainer {
namespace {

void expect_fused_matches_composite(at::IntArrayRef shape) {
  torch::Generator gen = at::make_generator<at::CPUGeneratorImpl>(7);
  const torch::Tensor r0 = torch::randn(shape, gen), u0 = torch::randn(shape, gen) * 3;
  const torch::Tensor weights = torch::randn(shape, gen);  // a loss that weighs every output differently
  torch::Tensor r = r0.clone().requires_grad_(true), u = u0.clone().requires_grad_(true);
  const torch::Tensor fused = add_rms_norm(r, u, 1e-5);
  (fused * weights).sum().backward();
  torch::Tensor rc = r0.clone().requires_grad_(true), uc = u0.clone().requires_grad_(true);
  const torch::Tensor composite = rms_norm(rc + uc, 1e-5);
  (composite * weights).sum().backward();
  // float32 rounding only: the sum of squares is added in another order.
  EXPECT_TRUE(torch::allclose(fused, composite, 1e-6, 1e-6)) << (fused - composite).abs().max();
  EXPECT_TRUE(torch::allclose(r.grad(), rc.grad(), 1e-5, 1e-6)) << (r.grad() - rc.grad()).abs().max();
  EXPECT_TRUE(torch::allclose(u.grad(), uc.grad(), 1e-5, 1e-6)) << (u.grad() - uc.grad()).abs().max();
  EXPECT_NE(fused.grad_fn()->name(), composite.grad_fn()->name()) << "the fused kernel did not run";
}

TEST(AddRmsNorm, FusedCpuKernelMatchesTheCompositeForwardAndBackward) {
  expect_fused_matches_composite({3, 20, 64});  // whole vectors
  expect_fused_matches_composite({2, 7, 83});   // a scalar tail in every row
}

TEST(AddRmsNorm, OtherDtypesTakeTheComposite) {
  const torch::Tensor r = torch::randn({4, 16}).to(torch::kBFloat16), u = torch::randn({4, 16}).to(torch::kBFloat16);
  EXPECT_TRUE(torch::equal(add_rms_norm(r, u, 1e-5), rms_norm(r + u, 1e-5)));
  const torch::Tensor strided = torch::randn({16, 4}).t();  // not contiguous
  EXPECT_TRUE(torch::equal(add_rms_norm(strided, strided, 1e-5), rms_norm(strided + strided, 1e-5)));
}

}  // namespace
}  // namespace recur::trainer
