// Moving weights in by name (checkpoints, reference state_dicts) and the factory's
// checks of the architecture keys.
#include <gtest/gtest.h>

#include <functional>

#include "common/error.h"
#include "common/libtorch.h"
#include "models_test_support.h"
#include "trainer/config/config_loader.h"
#include "trainer/models/factory.h"

namespace recur::trainer {
namespace {

NamedTensors all_tensors(const ActModel& m) {
  NamedTensors all = m.named_parameters();
  all.insert(all.end(), m.named_persistent_buffers().begin(), m.named_persistent_buffers().end());
  return all;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelWeights, LoadByNameCopiesEveryParameterAndBuffer) {
  const auto a = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 1);
  const auto b = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 2);
  b->load_named_tensors(all_tensors(*a), "a.h5");
  const NamedTensors ta = all_tensors(*a), tb = all_tensors(*b);
  for (size_t i = 0; i < ta.size(); ++i) EXPECT_TRUE(torch::equal(ta[i].second, tb[i].second)) << ta[i].first;
  EXPECT_TRUE(tb[0].second.requires_grad());  // still a trainable leaf
}

TEST(ModelWeights, CompiledReferencePrefixIsAccepted) {
  const auto a = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 1);
  const auto b = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 2);
  NamedTensors compiled;
  for (const auto& [name, t] : all_tensors(*a)) compiled.emplace_back("_orig_mod." + name, t);
  b->load_named_tensors(compiled, "step_1000");
  EXPECT_TRUE(torch::equal(all_tensors(*b)[0].second, all_tensors(*a)[0].second));
}

TEST(ModelWeights, MismatchesAreInputErrorsNamingFileAndTensor) {
  const auto m = make_model(testing::tiny_trm(), testing::kTinyShape, torch::kCPU, 1);
  NamedTensors t = all_tensors(*m);
  NamedTensors wrong_shape = t;
  wrong_shape[1].second = torch::zeros({13, 64});
  std::string msg = error_of([&] { m->load_named_tensors(wrong_shape, "w.h5"); });
  EXPECT_NE(msg.find("w.h5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("model.inner.lm_head.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[13, 64]"), std::string::npos) << msg;

  NamedTensors missing(t.begin() + 1, t.end());
  msg = error_of([&] { m->load_named_tensors(missing, "w.h5"); });
  EXPECT_NE(msg.find("missing tensor 'model.inner.embed_tokens.embedding_weight'"), std::string::npos) << msg;

  NamedTensors extra = t;
  extra.emplace_back("model.inner.H_level.layers.0.mlp.down_proj.weight", torch::zeros({1}));
  msg = error_of([&] { m->load_named_tensors(extra, "w.h5"); });
  EXPECT_NE(msg.find("unknown tensor 'model.inner.H_level"), std::string::npos) << msg;
}

TEST(ModelFactory, AnUnknownArchitectureIsAnInputErrorNamingTheKey) {
  ArchConfig a = testing::tiny_trm();
  a.name = "gpt";
  const std::string msg = error_of([&] { make_model(a, testing::kTinyShape, torch::kCPU, 0); });
  EXPECT_NE(msg.find("arch.name: must be one of trm, hrm, urm"), std::string::npos) << msg;
}

// The key table documents puzzle_emb_len 0 as ceil(puzzle_emb_ndim / hidden_size) slots and
// TRM implements it; the config accepts it and the factory builds it (it once re-checked the
// keys and refused it).
TEST(ModelFactory, PuzzleEmbLenZeroIsTheComputedPrefix) {
  const Config c = load_config(testing::trainer_fixtures_dir() + "/child.yaml",
                               {"arch.puzzle_emb_len=0", "arch.puzzle_emb_ndim=300", "arch.forward_dtype=float32"});
  const auto m = make_model(c.arch, testing::kTinyShape, torch::kCPU, 0);
  EXPECT_EQ(m->inner().puzzle_emb_len(), 3);  // ceil(300 / 128)
  EXPECT_EQ(m->inner().state_length(), 16 + 3);
}

TEST(ModelFactory, AutoDtypeIsFloat32OnCpuAndBfloat16OnCuda) {
  EXPECT_EQ(resolve_forward_dtype("auto", torch::Device(torch::kCPU)), torch::kFloat32);
  EXPECT_EQ(resolve_forward_dtype("auto", torch::Device(torch::kCUDA, 0)), torch::kBFloat16);
  EXPECT_EQ(resolve_forward_dtype("bfloat16", torch::Device(torch::kCPU)), torch::kBFloat16);
}

}  // namespace
}  // namespace recur::trainer
