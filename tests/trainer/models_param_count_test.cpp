// Parameter counts and names match the published reference models (spec trm.md 1.1,
// hrm.md 1). The puzzle-embedding table is a buffer and is not counted.
#include <gtest/gtest.h>

#include "common/libtorch.h"
#include "models_test_support.h"
#include "trainer/models/factory.h"

namespace recur::trainer {
namespace {

ArchConfig published_trm() {
  ArchConfig a;  // the defaults are trm.yaml's
  a.forward_dtype = "float32";
  return a;
}

TEST(ModelParameterCount, TrmArcIs6829058) {
  const auto m = make_model(published_trm(), {12, 900, 3}, torch::kCPU, 0);
  EXPECT_EQ(recur::testing::parameter_count(*m), 6829058);
}

TEST(ModelParameterCount, TrmSudokuMlpIs5028866) {
  ArchConfig a = published_trm();
  a.mlp_t = true;
  a.pos_encodings = "none";
  const auto m = make_model(a, {11, 81, 1}, torch::kCPU, 0);
  EXPECT_EQ(recur::testing::parameter_count(*m), 5028866);
}

TEST(ModelParameterCount, HrmSudokuIs27275266) {
  ArchConfig a = published_trm();
  a.name = "hrm";
  a.H_cycles = 2;
  a.L_cycles = 2;
  a.H_layers = 4;
  a.L_layers = 4;
  const auto m = make_model(a, {11, 81, 1}, torch::kCPU, 0);
  EXPECT_EQ(recur::testing::parameter_count(*m), 27275266);
}

// The reference's state_dict keys (without torch.compile's _orig_mod.), in its order.
TEST(ModelNames, TrmNamesAreTheReferenceStateDictKeys) {
  ArchConfig a = testing::tiny_trm();
  a.L_layers = 1;
  const auto m = make_model(a, {12, 16, 5}, torch::kCPU, 0);
  std::vector<std::string> names;
  for (const auto& e : m->named_parameters()) names.push_back(e.first);
  const std::vector<std::string> expected = {
      "model.inner.embed_tokens.embedding_weight",
      "model.inner.lm_head.weight",
      "model.inner.q_head.weight",
      "model.inner.q_head.bias",
      "model.inner.L_level.layers.0.self_attn.qkv_proj.weight",
      "model.inner.L_level.layers.0.self_attn.o_proj.weight",
      "model.inner.L_level.layers.0.mlp.gate_up_proj.weight",
      "model.inner.L_level.layers.0.mlp.down_proj.weight"};
  EXPECT_EQ(names, expected);
  std::vector<std::string> buffers;
  for (const auto& e : m->named_persistent_buffers()) buffers.push_back(e.first);
  EXPECT_EQ(buffers, (std::vector<std::string>{"model.inner.puzzle_emb.weights", "model.inner.H_init",
                                               "model.inner.L_init"}));
}

TEST(ModelNames, HrmHasHAndLLevelsAndMlpTrmHasSequenceMlp) {
  const auto hrm = make_model(testing::tiny_hrm(), {12, 16, 5}, torch::kCPU, 0);
  EXPECT_TRUE(find_named(hrm->named_parameters(), "model.inner.H_level.layers.1.mlp.down_proj.weight").defined());
  EXPECT_TRUE(find_named(hrm->named_parameters(), "model.inner.L_level.layers.1.self_attn.o_proj.weight").defined());
  const auto mlp = make_model(testing::tiny_trm(/*mlp_t=*/true), {12, 16, 5}, torch::kCPU, 0);
  const torch::Tensor w = find_named(mlp->named_parameters(), "model.inner.L_level.layers.0.mlp_t.gate_up_proj.weight");
  ASSERT_TRUE(w.defined());
  EXPECT_EQ(w.sizes(), (std::vector<int64_t>{512, 20}));  // S = 16 + 4 prefix slots; inter 256
  EXPECT_FALSE(find_named(mlp->named_parameters(), "model.inner.L_level.layers.0.self_attn.qkv_proj.weight").defined());
}

}  // namespace
}  // namespace recur::trainer
