// The memory meter, and the property it exists to show: a training step keeps only
// the last recursion for backward, so activation memory is flat in H_cycles (T).
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "common/libtorch.h"
#include "models_test_support.h"
#include "trainer/losses/act_loss.h"
#include "trainer/memory/memory_meter.h"
#include "trainer/models/factory.h"

namespace recur::trainer {
namespace {

const torch::Device kCpu(torch::kCPU);

TEST(MemoryMeter, CountsCpuTensorsWhileTheyLive) {
  install_cpu_memory_meter();
  install_cpu_memory_meter();  // idempotent
  const int64_t before = memory_stats(kCpu).current_bytes;
  {
    torch::Tensor t = torch::empty({1 << 20}, torch::kFloat32);  // 4 MiB
    EXPECT_EQ(memory_stats(kCpu).current_bytes - before, 4 << 20);
    EXPECT_GE(memory_stats(kCpu).peak_bytes, before + (4 << 20));
  }
  EXPECT_EQ(memory_stats(kCpu).current_bytes, before);
  reset_peak_memory(kCpu);
  EXPECT_EQ(memory_stats(kCpu).peak_bytes, memory_stats(kCpu).current_bytes);
}

// Bytes a training step holds for backward: after forward + loss, before backward.
int64_t activation_bytes(int64_t H_cycles) {
  ArchConfig a = testing::tiny_trm();
  a.hidden_size = 128;
  a.H_cycles = H_cycles;
  a.L_cycles = 3;
  const ModelShape shape{12, 48, 4};
  const auto m = make_model(a, shape, torch::kCPU, 0);
  torch::Generator gen = at::make_generator<at::CPUGeneratorImpl>(0);
  const Batch b = testing::random_batch(8, shape, 1);
  const Carry carry = m->initial_carry(8);
  const torch::Tensor explore = m->draw_exploration(8, gen);
  const int64_t before = memory_stats(kCpu).current_bytes;
  const ActStep s = m->step(carry, b, true, explore);
  const ActLoss l = act_loss(s.outputs, s.carry, LossType::kStablemax);
  const int64_t held = memory_stats(kCpu).current_bytes - before;
  l.loss.backward();
  return held;
}

TEST(MemoryFlatness, ActivationMemoryDoesNotGrowWithRecursionDepth) {
  torch::set_num_threads(1);
  install_cpu_memory_meter();
  const int64_t shallow = activation_bytes(1), deep = activation_bytes(8);
  RecordProperty("activation_bytes_H1", std::to_string(shallow));
  RecordProperty("activation_bytes_H8", std::to_string(deep));
  std::printf("activation memory kept for backward: H_cycles=1 %.2f MiB, H_cycles=8 %.2f MiB\n",
              shallow / 1048576.0, deep / 1048576.0);
  ASSERT_GT(shallow, 1 << 20);  // the measurement sees the activations at all
  EXPECT_LE(std::abs(static_cast<double>(deep - shallow)) / static_cast<double>(shallow), 0.10);
}

}  // namespace
}  // namespace recur::trainer
