// forward_dtype bfloat16: activations and carried states in bf16 with fp32 master
// weights and gradients, fp32 Q logits, float64 stablemax loss; close to float32. Every
// bf16 product (attention's, a linear layer's forward and weight gradient) is summed in
// fp32 and rounded once, as the reference's are, on every LibTorch (fp32_sums.h).
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include "common/libtorch.h"
#include "models_test_support.h"
#include "trainer/losses/act_loss.h"
#include "trainer/models/factory.h"
#include "trainer/models/fp32_sums.h"

namespace recur::trainer {
namespace {

double normwise(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = a.to(torch::kFloat64), y = b.to(torch::kFloat64);
  return ((x - y).abs().max() / y.abs().max()).item<double>();
}

TEST(ForwardDtype, Bfloat16StepKeepsTheReferenceDtypesAndTracksFloat32) {
  torch::set_num_threads(1);
  ArchConfig a = testing::tiny_trm();
  a.forward_dtype = "bfloat16";
  const auto bf = make_model(a, testing::kTinyShape, torch::kCPU, 0);
  a.forward_dtype = "float32";
  const auto fp = make_model(a, testing::kTinyShape, torch::kCPU, 0);
  NamedTensors weights = bf->named_parameters();
  weights.insert(weights.end(), bf->named_persistent_buffers().begin(), bf->named_persistent_buffers().end());
  fp->load_named_tensors(weights, "bf16 model");  // same weights; H_init/L_init rounded to bf16 in both

  const Batch b = testing::random_batch(3, testing::kTinyShape, 1);
  torch::Generator g1 = at::make_generator<at::CPUGeneratorImpl>(0), g2 = at::make_generator<at::CPUGeneratorImpl>(0);
  const ActStep sb = bf->step(bf->initial_carry(3), b, true, bf->draw_exploration(3, g1));
  const ActStep sf = fp->step(fp->initial_carry(3), b, true, fp->draw_exploration(3, g2));
  EXPECT_EQ(find_named(sb.carry.state, "z_H").scalar_type(), torch::kBFloat16);
  EXPECT_EQ(sb.outputs.logits.scalar_type(), torch::kBFloat16);
  EXPECT_EQ(sb.outputs.q_halt_logits.scalar_type(), torch::kFloat32);
  EXPECT_EQ(find_named(bf->named_persistent_buffers(), "model.inner.H_init").scalar_type(), torch::kBFloat16);

  const ActLoss lb = act_loss(sb.outputs, sb.carry, LossType::kStablemax);
  EXPECT_EQ(lb.loss.scalar_type(), torch::kFloat64);
  lb.loss.backward();
  const torch::Tensor& w = find_named(bf->named_parameters(), "model.inner.L_level.layers.0.mlp.down_proj.weight");
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().scalar_type(), torch::kFloat32);

  EXPECT_LT(normwise(sb.outputs.logits, sf.outputs.logits), 0.1);  // bf16 keeps ~3 significant digits
  EXPECT_LT(normwise(find_named(sb.carry.state, "z_H"), find_named(sf.carry.state, "z_H")), 0.1);
}

// Share of elements equal to the fp32-summed product rounded once to bf16.
double share_equal_to_fp32_sums(const torch::Tensor& ours, const torch::Tensor& fp32_product) {
  return (ours == fp32_product.to(torch::kBFloat16)).to(torch::kFloat64).mean().item<double>();
}

TEST(ForwardDtype, Bfloat16ProductsAreSummedInFloat32) {
  torch::manual_seed(0);
  const auto bf = torch::kBFloat16, f32 = torch::kFloat32;
  // Attention's operands: [B, S, H, hd] viewed as [B, H, S, hd] (transposed, batched).
  const torch::Tensor q = torch::randn({4, 97, 8, 64}).to(bf).transpose(1, 2);
  const torch::Tensor k = torch::randn({4, 97, 8, 64}).to(bf).transpose(1, 2);
  const torch::Tensor p = torch::softmax(torch::randn({4, 8, 97, 97}), -1).to(bf);
  EXPECT_GE(share_equal_to_fp32_sums(matmul_fp32_sums(q, k.transpose(-2, -1)),
                                     torch::matmul(q.to(f32), k.to(f32).transpose(-2, -1))),
            0.999);
  EXPECT_GE(share_equal_to_fp32_sums(matmul_fp32_sums(p, k), torch::matmul(p.to(f32), k.to(f32))), 0.999);
  // A casted linear layer: fp32 master weight, bf16 GEMMs forward and for its gradient.
  const torch::Tensor x = torch::randn({4, 97, 512}).to(bf);
  const torch::Tensor master = torch::randn({1536, 512}).requires_grad_(true);
  const torch::Tensor y = linear_fp32_sums(x, master.to(bf), torch::Tensor());
  const torch::Tensor g = torch::randn({4, 97, 1536}).to(bf);
  y.backward(g);
  const torch::Tensor w = master.detach().to(bf).to(f32);
  EXPECT_GE(share_equal_to_fp32_sums(y, torch::linear(x.to(f32), w)), 0.999);
  EXPECT_GE(share_equal_to_fp32_sums(master.grad().to(bf),
                                     torch::matmul(g.to(f32).reshape({-1, 1536}).t(), x.to(f32).reshape({-1, 512}))),
            0.999);
}

}  // namespace
}  // namespace recur::trainer
