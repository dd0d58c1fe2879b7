// The ACT wrapper: slot reset from the new batch, step counting, halting rules,
// exploration drawn from an explicit generator, eval lock-step, and the carry round trip.
#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>

#include "common/error.h"
#include "common/libtorch.h"
#include "models_test_support.h"
#include "trainer/losses/act_loss.h"
#include "trainer/models/factory.h"

namespace recur::trainer {
namespace {

torch::Generator generator(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

void set_q_halt_bias(ActModel& m, double halt_bias) {
  torch::NoGradGuard no_grad;
  find_named(m.named_parameters(), "model.inner.q_head.bias").fill_(halt_bias);  // both logits
}

TEST(ActCarry, InitialCarryHasEverySlotHalted) {
  const auto m = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 0);
  const Carry c = m->initial_carry(3);
  EXPECT_TRUE(c.halted.all().item<bool>());
  EXPECT_EQ(c.steps.sum().item<int64_t>(), 0);
  EXPECT_EQ(find_named(c.state, "z_H").sizes(), (std::vector<int64_t>{3, 20, 64}));  // S = 16 + 4 prefix slots
}

TEST(ActStep, HaltedSlotsTakeTheNewRowRunningSlotsKeepTheirData) {
  torch::set_num_threads(1);
  const auto m = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 0);
  const Batch first = testing::random_batch(3, testing::kTinyShape, 1), second = testing::random_batch(3, testing::kTinyShape, 2);
  Carry c = m->step(m->initial_carry(3), first, false).carry;
  c.halted = torch::tensor({true, false, true});
  const ActStep s = m->step(c, second, false);
  EXPECT_TRUE(torch::equal(s.carry.current_data.inputs[0], second.inputs[0]));
  EXPECT_TRUE(torch::equal(s.carry.current_data.inputs[1], first.inputs[1]));  // second.inputs[1] is dropped
  EXPECT_TRUE(torch::equal(s.carry.current_data.labels[2], second.labels[2]));
  EXPECT_TRUE(torch::equal(s.carry.current_data.puzzle_identifiers[1], first.puzzle_identifiers[1]));
  EXPECT_TRUE(torch::equal(s.carry.steps, torch::tensor({1, 2, 1}, torch::kInt32)));
  EXPECT_FALSE(find_named(s.carry.state, "z_H").requires_grad());  // no gradient crosses supervision steps
}

TEST(ActStep, EvaluationRunsExactlyHaltMaxStepsWhateverTheQHeadSays) {
  const auto m = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 0);
  set_q_halt_bias(*m, 5.0);  // q_halt > 0: training would halt at once
  torch::Generator gen = generator(0);
  const Batch b = testing::random_batch(3, testing::kTinyShape, 1);
  Carry c = m->initial_carry(3);
  int steps = 0;
  do {
    c = m->step(c, b, /*training=*/false).carry;
    ++steps;
    if (steps < 4) EXPECT_FALSE(c.halted.any().item<bool>()) << steps;
  } while (!c.halted.all().item<bool>());
  EXPECT_EQ(steps, 4);
  EXPECT_TRUE(m->step(m->initial_carry(3), b, /*training=*/true, m->draw_exploration(3, gen))
                  .carry.halted.all()
                  .item<bool>());
}

TEST(ActStep, ExplorationDelaysHaltingAndIsReproducibleFromTheGenerator) {
  ArchConfig a = testing::tiny_trm();
  a.halt_max_steps = 8;
  a.halt_exploration_prob = 1.0;  // every slot draws a minimum of 2..8 steps
  const auto m = make_model(a, testing::kTinyShape, torch::kCPU, 0);
  set_q_halt_bias(*m, 5.0);
  const Batch b = testing::random_batch(16, testing::kTinyShape, 1);
  auto halting_steps = [&](uint64_t seed) {
    torch::Generator gen = generator(seed);
    Carry c = m->initial_carry(16);
    torch::Tensor halted_at = torch::zeros({16}, torch::kInt32);
    for (int k = 1; k <= 8; ++k) {
      c = m->step(c, b, true, m->draw_exploration(16, gen)).carry;
      halted_at.masked_fill_(c.halted & (halted_at == 0), k);
    }
    return halted_at;
  };
  const torch::Tensor x = halting_steps(11), y = halting_steps(11), z = halting_steps(12);
  EXPECT_TRUE(torch::equal(x, y));
  EXPECT_FALSE(torch::equal(x, z));
  EXPECT_GE(x.min().item<int>(), 2);  // without exploration every slot would halt at step 1
  EXPECT_LE(x.max().item<int>(), 8);
}

TEST(ActStep, OnlyHrmTrainingProducesAQContinueTarget) {
  const Batch b = testing::random_batch(3, testing::kTinyShape, 1);
  torch::Generator gen = generator(0);
  const auto hrm = make_model(testing::tiny_hrm(), testing::kTinyShape, torch::kCPU, 0);
  const ActStep train = hrm->step(hrm->initial_carry(3), b, true, hrm->draw_exploration(3, gen));
  ASSERT_TRUE(train.outputs.target_q_continue.defined());
  EXPECT_FALSE(train.outputs.target_q_continue.requires_grad());
  EXPECT_TRUE(act_loss(train.outputs, train.carry, LossType::kStablemax).metrics.count("q_continue_loss"));
  EXPECT_FALSE(hrm->step(hrm->initial_carry(3), b, false).outputs.target_q_continue.defined());
  const auto trm = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 0);
  EXPECT_FALSE(trm->step(trm->initial_carry(3), b, true, trm->draw_exploration(3, gen)).outputs.target_q_continue.defined());
}

TEST(ActCarry, RoundTripThroughNamedTensorsGivesABitIdenticalNextStep) {
  const auto m = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 0);
  torch::Generator gen = generator(0);
  const Batch b1 = testing::random_batch(3, testing::kTinyShape, 1), b2 = testing::random_batch(3, testing::kTinyShape, 2);
  const Carry c = m->step(m->initial_carry(3), b1, true, m->draw_exploration(3, gen)).carry;
  NamedTensors saved;
  for (const auto& [name, t] : c.to_named_tensors()) saved.emplace_back(name, t.clone());
  const Carry restored = m->carry_from_named_tensors(saved, "carry.h5");
  torch::Generator g1 = generator(5), g2 = generator(5);
  const ActStep x = m->step(c, b2, true, m->draw_exploration(3, g1)),
                y = m->step(restored, b2, true, m->draw_exploration(3, g2));
  EXPECT_TRUE(torch::equal(x.outputs.logits, y.outputs.logits));
  EXPECT_TRUE(torch::equal(find_named(x.carry.state, "z_L"), find_named(y.carry.state, "z_L")));
  EXPECT_TRUE(torch::equal(x.carry.halted, y.carry.halted));
}

TEST(ActCarry, MalformedCarryIsAnInputErrorNamingTheTensor) {
  const auto m = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 0);
  NamedTensors t = m->initial_carry(3).to_named_tensors();
  NamedTensors missing(t.begin() + 1, t.end());
  try {
    m->carry_from_named_tensors(missing, "rank_00000.h5");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("rank_00000.h5"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("z_H"), std::string::npos);
  }
  t[1].second = torch::zeros({3, 21, 64});
  EXPECT_THROW(m->carry_from_named_tensors(t, "rank_00000.h5"), InputError);
}

TEST(PuzzleEmbedding, TrainingGradientLandsOnTheLocalRowsOnly) {
  const auto m = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 0);
  torch::Generator gen = generator(0);
  const Batch b = testing::random_batch(3, testing::kTinyShape, 1);
  const ActStep s = m->step(m->initial_carry(3), b, true, m->draw_exploration(3, gen));
  act_loss(s.outputs, s.carry, LossType::kStablemax).loss.backward();
  PuzzleEmbedding* pe = m->inner().puzzle_emb();
  ASSERT_NE(pe, nullptr);
  EXPECT_TRUE(torch::equal(pe->local_ids(), b.puzzle_identifiers));
  EXPECT_EQ(pe->local_grad().sizes(), (std::vector<int64_t>{3, 64}));
  EXPECT_GT(pe->local_grad().abs().sum().item<double>(), 0.0);
  EXPECT_FALSE(pe->weights().requires_grad());  // the table itself is a buffer
}

}  // namespace
}  // namespace recur::trainer
