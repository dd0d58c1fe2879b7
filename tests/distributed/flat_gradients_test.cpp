// Flat gradient buffer: backward accumulates straight into it, zeroing keeps the aliases.
#include "distributed/flat_gradients.h"

#include <gtest/gtest.h>
#include <torch/optim/sgd.h>

#include "distributed/local_communicator.h"

namespace recur::distributed {
namespace {

struct TinyModel {
  torch::Tensor w = torch::arange(12, torch::kFloat).view({3, 4}).div(10).requires_grad_();
  torch::Tensor b = torch::tensor({0.5f, -1.0f, 2.0f, 0.0f}).requires_grad_();
  std::vector<torch::Tensor> params() const { return {w, b}; }
  torch::Tensor loss(const torch::Tensor& x) const { return (torch::matmul(x, w) + b).pow(2).sum(); }
};

// Expected gradients from a copy of the model with ordinary (unaliased) gradients.
std::vector<torch::Tensor> reference_grads(const torch::Tensor& x) {
  TinyModel ref;
  ref.loss(x).backward();
  return {ref.w.grad().clone(), ref.b.grad().clone()};
}

bool inside(const torch::Tensor& grad, const torch::Tensor& buffer) {
  auto* p = static_cast<char*>(grad.data_ptr());
  auto* begin = static_cast<char*>(buffer.data_ptr());
  return p >= begin && p + grad.nbytes() <= begin + buffer.nbytes();
}

TEST(FlatGradients, BackwardWritesIntoTheBuffer) {
  TinyModel model;
  FlatGradients flat(model.params());
  ASSERT_EQ(flat.buffers().size(), 1u);
  const auto& buffer = flat.buffers()[0];
  EXPECT_EQ(buffer.numel(), 16);
  void* w_grad = model.w.grad().data_ptr();
  EXPECT_EQ(w_grad, buffer.data_ptr());

  auto x = torch::linspace(-1, 1, 6).view({2, 3});
  model.loss(x).backward();
  auto expected = reference_grads(x);
  EXPECT_EQ(model.w.grad().data_ptr(), w_grad) << "autograd replaced .grad instead of accumulating";
  EXPECT_TRUE(inside(model.b.grad(), buffer));
  EXPECT_TRUE(torch::allclose(buffer.narrow(0, 0, 12).view({3, 4}), expected[0]));
  EXPECT_TRUE(torch::allclose(buffer.narrow(0, 12, 4), expected[1]));
  flat.check_aliases();
}

TEST(FlatGradients, SecondBackwardAccumulatesInPlace) {
  TinyModel model;
  FlatGradients flat(model.params());
  auto x = torch::linspace(-1, 1, 6).view({2, 3});
  model.loss(x).backward();
  model.loss(x).backward();
  auto expected = reference_grads(x);
  EXPECT_TRUE(torch::allclose(model.w.grad(), 2 * expected[0]));
  EXPECT_TRUE(torch::allclose(flat.buffers()[0].narrow(0, 12, 4), 2 * expected[1]));
  flat.check_aliases();
}

TEST(FlatGradients, ZeroKeepsTheAliases) {
  TinyModel model;
  FlatGradients flat(model.params());
  auto x = torch::linspace(-1, 1, 6).view({2, 3});
  model.loss(x).backward();
  flat.zero();
  EXPECT_EQ(flat.buffers()[0].abs().sum().item<float>(), 0.0f);
  flat.check_aliases();
  // LibTorch 1.13's Optimizer::zero_grad does detach_() + zero_() on each .grad: allowed,
  // because the aliases are not autograd views.
  model.b.mutable_grad().detach_();
  model.b.mutable_grad().zero_();
  flat.check_aliases();
  model.loss(x).backward();
  EXPECT_TRUE(torch::allclose(model.w.grad(), reference_grads(x)[0]));
  flat.check_aliases();
}

TEST(FlatGradients, OptimizerStepReadsTheAliases) {
  TinyModel model;
  FlatGradients flat(model.params());
  auto x = torch::linspace(-1, 1, 6).view({2, 3});
  auto w_before = model.w.detach().clone();
  model.loss(x).backward();
  torch::optim::SGD sgd(model.params(), torch::optim::SGDOptions(0.1));
  sgd.step();
  EXPECT_TRUE(torch::allclose(model.w.detach(), w_before - 0.1 * reference_grads(x)[0]));
}

TEST(FlatGradients, ResetGradIsDetected) {
  TinyModel model;
  FlatGradients flat(model.params());
  model.b.mutable_grad() = torch::Tensor();  // what zero_grad(set_to_none=true) does
  EXPECT_THROW(flat.check_aliases(), std::logic_error);
}

TEST(FlatGradients, OneBufferPerDtypeAndExistingGradsKept) {
  auto a = torch::ones({2}, torch::kFloat).requires_grad_();
  auto d = torch::ones({3}, torch::kDouble).requires_grad_();
  auto c = torch::ones({1}, torch::kFloat).requires_grad_();
  c.mutable_grad() = torch::full({1}, 7.0f);
  FlatGradients flat({a, d, c});
  ASSERT_EQ(flat.buffers().size(), 2u);
  EXPECT_EQ(flat.buffers()[0].numel(), 3);
  EXPECT_EQ(flat.buffers()[1].scalar_type(), torch::kDouble);
  EXPECT_EQ(flat.buffers()[0][2].item<float>(), 7.0f);
  LocalCommunicator comm;
  flat.all_reduce_sum(comm);
  EXPECT_EQ(c.grad().item<float>(), 7.0f);
  EXPECT_THROW(FlatGradients({torch::ones({2})}), std::invalid_argument);
}

}  // namespace
}  // namespace recur::distributed
