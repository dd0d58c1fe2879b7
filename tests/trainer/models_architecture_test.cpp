// The architecture table: one descriptor per architecture, asked by name (config,
// factory, bench) and by golden fixture kind (verify-golden).
#include <gtest/gtest.h>

#include "common/error.h"
#include "models_test_support.h"
#include "trainer/models/architecture.h"
#include "trainer/models/factory.h"

namespace recur::trainer {
namespace {

TEST(ArchitectureTable, EveryRowIsFoundByNameAndByItsFixtureKinds) {
  ASSERT_FALSE(architectures().empty());
  for (const Architecture* a : architectures()) {
    EXPECT_EQ(&find_architecture(a->name), a);
    for (const std::string& kind : a->fixture_kinds) EXPECT_EQ(find_fixture_architecture(kind), a) << kind;
  }
  EXPECT_EQ(find_fixture_architecture("trm_mlp"), &find_architecture("trm"));
  EXPECT_EQ(find_fixture_architecture("gpt"), nullptr);
}

// The prefix the model is built with is the descriptor's.
TEST(ArchitectureTable, TheModelUsesItsDescriptorsPrefixLength) {
  for (ArchConfig a : {testing::tiny_trm(), testing::tiny_hrm()}) {
    const auto m = make_model(a, testing::kTinyShape, torch::kCPU, 0);
    EXPECT_EQ(m->inner().puzzle_emb_len(), find_architecture(a.name).prefix_length(a)) << a.name;
  }
}

TEST(ArchitectureTable, RulesOfTheChosenArchitectureNameTheirKey) {
  ArchConfig a = testing::tiny_hrm();
  a.H_layers = 0;
  try {
    check_architecture(a);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "arch.H_layers");
  }
  a = testing::tiny_trm();
  a.H_layers = 0;  // TRM ignores H_layers
  EXPECT_NO_THROW(check_architecture(a));
}

}  // namespace
}  // namespace recur::trainer
