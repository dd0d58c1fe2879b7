// Config loading: recipes, defaults, includes, overrides, printing round trip.
// (Error paths are in config_errors_test.cpp.)
#include <gtest/gtest.h>

#include <filesystem>

#include "test_paths.h"
#include "trainer/config/config_loader.h"

namespace recur::trainer {
namespace {

TEST(ConfigLoader, EmptyTextGivesTheReferenceDefaults) {
  const Config config = config_from_yaml("", "empty");
  EXPECT_EQ(config.global_batch_size, 768);
  EXPECT_EQ(config.epochs, 100000);
  EXPECT_EQ(config.eval_interval, 10000);
  EXPECT_DOUBLE_EQ(config.lr, 1e-4);
  EXPECT_DOUBLE_EQ(config.puzzle_emb_lr, 1e-2);
  EXPECT_EQ(config.arch.name, "trm");
  EXPECT_EQ(config.arch.H_cycles, 3);
  EXPECT_EQ(config.arch.L_cycles, 6);
  EXPECT_EQ(config.arch.loss.loss_type, "stablemax_cross_entropy");
  EXPECT_EQ(config.resume, "auto");
  EXPECT_TRUE(config.data_paths.empty());
}

TEST(ConfigLoader, SampleRecipeSetsEveryKindOfKey) {
  const Config config = load_config(recur::testing::trainer_fixtures_dir() + "/sample.yaml", {});
  EXPECT_EQ(config.data_paths, (std::vector<std::string>{"data/a.h5", "data/b.h5"}));
  ASSERT_EQ(config.evaluators.size(), 1u);
  EXPECT_EQ(config.evaluators[0].name, "arc");
  EXPECT_FALSE(config.evaluators[0].aggregated_voting);
  EXPECT_EQ(config.evaluators[0].pass_Ks, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(config.evaluators[0].submission_K, 2);  // default kept inside the entry
  EXPECT_EQ(config.global_batch_size, 96);
  EXPECT_DOUBLE_EQ(config.lr, 7e-5);
  EXPECT_DOUBLE_EQ(config.lr_min_ratio, 0.1);
  EXPECT_TRUE(config.ema);  // "True", as Hydra command lines write it
  EXPECT_EQ(config.resume, "never");
  EXPECT_EQ(config.run_dir, "runs/sample");
  EXPECT_EQ(config.arch.name, "hrm");
  EXPECT_EQ(config.arch.loss.loss_type, "softmax_cross_entropy");
  EXPECT_EQ(config.arch.loss.name, "ACTLossHead");  // untouched key of a touched group
  EXPECT_EQ(config.arch.L_cycles, 3);
  EXPECT_DOUBLE_EQ(config.arch.expansion, 2.0);  // an integer is a valid number
  EXPECT_EQ(config.arch.pos_encodings, "learned");
  EXPECT_EQ(config.arch.rope_theta, 10000.0);  // default
}

TEST(ConfigLoader, IncludedKeysAreOverriddenKeyByKey) {
  const Config config = load_config(recur::testing::trainer_fixtures_dir() + "/child.yaml", {});
  EXPECT_EQ(config.epochs, 200);         // child
  EXPECT_EQ(config.arch.L_cycles, 2);    // child, inside the arch group
  EXPECT_EQ(config.arch.H_cycles, 5);    // base, same group: kept
  EXPECT_EQ(config.arch.hidden_size, 128);
  EXPECT_EQ(config.global_batch_size, 64);
  EXPECT_EQ(config.data_paths, (std::vector<std::string>{"base.h5"}));
}

TEST(ConfigLoader, NestedIncludesResolveRelativeToTheIncludingFile) {
  const Config config = load_config(recur::testing::trainer_fixtures_dir() + "/nested/grandchild.yaml", {});
  EXPECT_DOUBLE_EQ(config.lr, 2e-3);     // grandchild
  EXPECT_EQ(config.epochs, 200);         // child
  EXPECT_EQ(config.arch.H_cycles, 5);    // base
  EXPECT_EQ(config.arch.L_cycles, 2);    // child over base
}

TEST(ConfigLoader, OverridesApplyAfterTheRecipeWithYamlTypedValues) {
  const Config config = load_config(
      recur::testing::trainer_fixtures_dir() + "/child.yaml",
      {"arch.L_cycles=4", "lr=1e-4", "data_paths=[a.h5,b.h5]", "ema=True", "arch.name=hrm",
       "arch.H_layers=2", "evaluators=[{name: arc@ARC, aggregated_voting: false}]", "init_from="});
  EXPECT_EQ(config.arch.L_cycles, 4);
  EXPECT_EQ(config.arch.H_cycles, 5);  // from the base, untouched
  EXPECT_DOUBLE_EQ(config.lr, 1e-4);
  EXPECT_EQ(config.data_paths, (std::vector<std::string>{"a.h5", "b.h5"}));
  EXPECT_TRUE(config.ema);
  EXPECT_EQ(config.arch.name, "hrm");
  ASSERT_EQ(config.evaluators.size(), 1u);
  EXPECT_EQ(config.evaluators[0].name, "arc");  // the reference's arc@ARC, renamed
  EXPECT_FALSE(config.evaluators[0].aggregated_voting);
  EXPECT_EQ(config.init_from, "");
}

TEST(ConfigLoader, LaterOverrideOfTheSameKeyWins) {
  const Config config = load_config(recur::testing::trainer_fixtures_dir() + "/child.yaml", {"lr=1e-4", "lr=3e-4"});
  EXPECT_DOUBLE_EQ(config.lr, 3e-4);
}

TEST(ConfigLoader, GroupOverrideSetsOnlyTheGivenKeys) {
  const Config config = load_config(recur::testing::trainer_fixtures_dir() + "/child.yaml", {"arch={L_cycles: 7, H_cycles: 1}"});
  EXPECT_EQ(config.arch.L_cycles, 7);
  EXPECT_EQ(config.arch.H_cycles, 1);
  EXPECT_EQ(config.arch.hidden_size, 128);
}

TEST(ConfigLoader, ListKeyAcceptsOneValueAndEmptyList) {
  EXPECT_EQ(load_config(recur::testing::trainer_fixtures_dir() + "/child.yaml", {"data_paths=x.h5"}).data_paths,
            (std::vector<std::string>{"x.h5"}));
  EXPECT_TRUE(load_config(recur::testing::trainer_fixtures_dir() + "/sample.yaml", {"evaluators=[]"}).evaluators.empty());
}

TEST(ConfigLoader, ReferenceSpellingsAreAcceptedAndPrintedCanonically) {
  const Config config = config_from_yaml(
      "load_checkpoint: ref/step_100\ndata_path: data/sudoku.h5\n"
      "arch: {loss: {name: losses@ACTLossHead}}\n",
      "reference.yaml");
  EXPECT_EQ(config.init_from, "ref/step_100");
  EXPECT_EQ(config.data_paths, (std::vector<std::string>{"data/sudoku.h5"}));
  EXPECT_EQ(config.arch.loss.name, "ACTLossHead");
  const std::string yaml = config_to_yaml(config);
  EXPECT_NE(yaml.find("init_from: ref/step_100"), std::string::npos);
  EXPECT_EQ(yaml.find("load_checkpoint"), std::string::npos);
  EXPECT_EQ(yaml.find("data_path:"), std::string::npos);
}

TEST(ConfigLoader, PrintedConfigLoadsBackToTheSameConfig) {
  Config config = load_config(recur::testing::trainer_fixtures_dir() + "/sample.yaml",
                              {"run_name='a: b # not a comment'", "project_name='null'",
                               "init_from=''", "lr=0.1", "beta2=0.999999", "max_train_minutes=1e-7",
                               "data_paths_test=[\"x, y.h5\"]", "eval_save_outputs=[logits]"});
  const std::string printed = config_to_yaml(config);
  const Config reloaded = config_from_yaml(printed, "printed");
  EXPECT_EQ(config_to_yaml(reloaded), printed);
  EXPECT_EQ(reloaded.run_name, "a: b # not a comment");
  EXPECT_EQ(reloaded.project_name, "null");
  EXPECT_DOUBLE_EQ(reloaded.lr, 0.1);
  EXPECT_EQ(reloaded.beta2, 0.999999);  // exact, not approximately
  EXPECT_EQ(reloaded.max_train_minutes, 1e-7);
  EXPECT_EQ(reloaded.data_paths_test, (std::vector<std::string>{"x, y.h5"}));
  EXPECT_EQ(reloaded.evaluators[0].pass_Ks, config.evaluators[0].pass_Ks);
}

TEST(ConfigLoader, PrintedConfigHasEveryKeyWithItsDoc) {
  const std::string printed = config_to_yaml(Config{});
  for (const char* line : {"data_paths: []", "evaluators: []", "arch:\n  name: trm",
                           "  loss:\n    name: ACTLossHead", "    loss_type: stablemax_cross_entropy",
                           "  L_cycles: 6  # n: ", "  expansion: 4.0", "lr: 0.0001  #",
                           "resume: auto", "threads: 0", "watchdog_first_step_timeout_s: 1800.0",
                           "rope_theta: 10000.0", "rms_norm_eps: 1e-05"})
    EXPECT_NE(printed.find(line), std::string::npos) << line << "\n" << printed;
}

TEST(ConfigLoader, OverridesApplyToASavedConfig) {
  const std::string saved = config_to_yaml(load_config(recur::testing::trainer_fixtures_dir() + "/sample.yaml", {}));
  const Config config = config_from_yaml(saved, "model.h5", {"arch.halt_max_steps=4"});
  EXPECT_EQ(config.arch.halt_max_steps, 4);
  EXPECT_EQ(config.global_batch_size, 96);
}

// Every recipe shipped in recipes/ must load and print back identically.
TEST(ConfigLoader, EveryShippedRecipeLoadsAndRoundTrips) {
  int recipes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RECUR_SOURCE_DIR) + "/recipes")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const Config config = load_config(entry.path().string(), {});
    EXPECT_FALSE(config.data_paths.empty());
    const std::string printed = config_to_yaml(config);
    EXPECT_EQ(config_to_yaml(config_from_yaml(printed, "printed")), printed);
    ++recipes;
  }
  EXPECT_GT(recipes, 0);
}

}  // namespace
}  // namespace recur::trainer
