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
  for (ArchConfig a : {testing::tiny_trm(), testing::tiny_hrm(), testing::tiny_urm()}) {
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
  a = testing::tiny_urm();
  a.pos_encodings = "none";  // URM always applies RoPE
  try {
    check_architecture(a);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "arch.pos_encodings");
  }
}

// The reference's conv is bf16 whatever the forward dtype; the fp32 variant stores it as fp32
// master weights. Both give the same parameter names and count.
TEST(ArchitectureTable, UrmConvIsBfloat16UnlessTheFloat32VariantIsChosen) {
  ArchConfig a = testing::tiny_urm();
  const auto reference = make_model(a, testing::kTinyShape, torch::kCPU, 0);
  a.conv_dtype = "float32";
  const auto variant = make_model(a, testing::kTinyShape, torch::kCPU, 0);
  ASSERT_EQ(reference->named_parameters().size(), variant->named_parameters().size());
  for (size_t i = 0; i < reference->named_parameters().size(); ++i) {
    const auto& [name, p] = reference->named_parameters()[i];
    const bool conv = name.find(".dwconv.") != std::string::npos;
    EXPECT_EQ(p.scalar_type(), conv ? torch::kBFloat16 : torch::kFloat32) << name;
    EXPECT_EQ(variant->named_parameters()[i].second.scalar_type(), torch::kFloat32) << name;
    EXPECT_EQ(variant->named_parameters()[i].first, name);
  }
  EXPECT_EQ(find_named(reference->named_persistent_buffers(), "model.inner.init_hidden").numel(), 64);
}

}  // namespace
}  // namespace recur::trainer
