// The architecture FLOP counts behind MFU (each descriptor's train_step_flops), against
// a hand computation.
#include <gtest/gtest.h>

#include "models_test_support.h"
#include "trainer/models/architecture.h"

namespace recur::trainer {
namespace {

StepFlops step_of(const ArchConfig& a, int64_t vocab, int64_t state_length, int64_t batch) {
  return find_architecture(a.name).train_step_flops(a, vocab, state_length, batch);
}

// Tiny TRM (golden sizes): D 64, 4 heads, expansion 4 -> SwiGLU inter 256, S = 4 + 16 = 20,
// batch 3, vocab 12, 2 layers, T = H_cycles 3, n = L_cycles 2.
TEST(ModelFlops, TrmAttentionStepMatchesAHandCount) {
  const ArchConfig a = testing::tiny_trm();
  // One block on 3 x 20 = 60 tokens:
  //   qkv 2*60*64*192 = 1,474,560;  q k^T and p v 2 * 2*3*20*64*20 = 307,200;  o 2*60*64*64 = 491,520
  //   gate|up 2*60*64*512 = 3,932,160;  down 2*60*256*64 = 1,966,080          -> 8,171,520
  EXPECT_DOUBLE_EQ(block_forward_flops(block_shape_of(a, 20), 3), 8171520.0);
  // Network call f = 2 blocks = 16,343,040. Heads: LM 2*60*64*12 = 92,160 + Q 2*3*64*2 = 768.
  // With grad: the last recursion, n + 1 = 3 calls, + heads = 49,122,048.
  // Without: the first T - 1 = 2 recursions, 6 calls = 98,058,240.  Backward: 2 x 49,122,048.
  const StepFlops f = step_of(a, 12, 20, 3);
  EXPECT_DOUBLE_EQ(f.forward_grad, 49122048.0);
  EXPECT_DOUBLE_EQ(f.forward_no_grad, 98058240.0);
  EXPECT_DOUBLE_EQ(f.backward, 98244096.0);
  EXPECT_DOUBLE_EQ(f.total(), 245424384.0);
}

TEST(ModelFlops, MlpTBlockMixesTokensWithAnMlpOverTheSequence) {
  const ArchConfig a = testing::tiny_trm(/*mlp_t=*/true);
  // mlp_t over S = 20 (inter roundup256(53) = 256) on 3 * 64 = 192 rows:
  //   2*192*20*512 + 2*192*256*20 = 5,898,240; plus the hidden SwiGLU 5,898,240 (as above).
  EXPECT_DOUBLE_EQ(block_forward_flops(block_shape_of(a, 20), 3), 11796480.0);
}

TEST(ModelFlops, HrmCountsBothModulesAndTheTargetForward) {
  const ArchConfig a = testing::tiny_hrm();  // H 2 x L 2 cycles, 2 + 2 layers, S = 1 + 16
  const double block = block_forward_flops(block_shape_of(a, 17), 3);
  const double heads = 2.0 * 3 * 17 * 64 * 12 + 2.0 * 3 * 64 * 2;
  const double whole = 4 * 2 * block + 2 * 2 * block + heads;  // 4 L calls + 2 H calls + heads
  const double grad = 2 * block + 2 * block + heads;           // the last L call and the last H call
  const StepFlops f = step_of(a, 12, 17, 3);
  EXPECT_DOUBLE_EQ(f.forward_grad, grad);
  EXPECT_DOUBLE_EQ(f.forward_no_grad, (whole - grad) + whole);  // + the Q-target forward
  EXPECT_DOUBLE_EQ(f.total(), 2 * whole + 2 * grad);
}

TEST(ModelFlops, UrmCountsEveryPassOfTheStackAndTheGradientOnTheLastLCycles) {
  const ArchConfig a = testing::tiny_urm();  // 2 layers, H_cycles 2 x L_cycles 2 passes, S = 1 + 16
  const double block = block_forward_flops(block_shape_of(a, 17), 3);  // attention + the ConvSwiGLU GEMMs
  const double heads = 2.0 * 3 * 17 * 64 * 12 + 2.0 * 3 * 64 * 2;
  const StepFlops f = step_of(a, 12, 17, 3);
  EXPECT_DOUBLE_EQ(f.forward_grad, 2 * 2 * block + heads);    // the last L_cycles passes
  EXPECT_DOUBLE_EQ(f.forward_no_grad, 2 * 2 * block);         // (H_cycles - 1) L_cycles passes, no target
  EXPECT_DOUBLE_EQ(f.backward, 2 * f.forward_grad);
}

TEST(ModelFlops, TrmWithActContinueAddsATargetForward) {
  ArchConfig a = testing::tiny_trm();
  const double without = step_of(a, 12, 20, 3).forward_no_grad;
  a.no_ACT_continue = false;
  const StepFlops f = step_of(a, 12, 20, 3);
  EXPECT_DOUBLE_EQ(f.forward_no_grad, without + (without + f.forward_grad));
}

// Evaluation: halt_max_steps (4) whole supervision steps, no backward, no Q-target forward.
TEST(ModelFlops, EvalBatchRunsEveryActStepForwardOnly) {
  const ArchConfig a = testing::tiny_trm();
  // One supervision step forward = 98,058,240 + 49,122,048 (see the hand count above).
  EXPECT_DOUBLE_EQ(step_of(a, 12, 20, 3).eval_batch(a.halt_max_steps), 4 * 147180288.0);
  EXPECT_EQ(a.halt_max_steps, 4);
}

}  // namespace
}  // namespace recur::trainer
