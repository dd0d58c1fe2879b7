// Every way a config can be wrong, and the exact message the user gets.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "common/error.h"
#include "test_paths.h"
#include "trainer/config/config_loader.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;

// The InputError message of `load`, or a marker when it did not throw.
std::string error_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string override_error(const std::vector<std::string>& overrides) {
  return error_of([&] { load_config(recur::testing::trainer_fixtures_dir() + "/child.yaml", overrides); });
}

class ConfigErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("recur_config_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "base");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `text` to dir/name and returns the path.
  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::string recipe_error(const std::string& text) {
    const std::string path = write("recipe.yaml", text);
    return error_of([&] { load_config(path, {}); });
  }

  fs::path dir_;
};

TEST_F(ConfigErrors, BadYamlSyntaxNamesFileAndLine) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("lr: 1.0e-4\ndata_paths: [a.h5, b.h5\nepochs: 5\n"),
            path + ":3: invalid YAML: end of sequence flow not found");
}

TEST_F(ConfigErrors, UnknownKeyNamesFileLineAndClosestKey) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("lr: 1.0e-4\narch:\n  L_cycle: 4\n"),
            path + ":3: unknown key 'arch.L_cycle' (did you mean 'arch.L_cycles'?)");
}

TEST_F(ConfigErrors, UnknownKeyIsMatchedAgainstTheLastPartOfDottedKeys) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("L_cycles: 4\n"),
            path + ":1: unknown key 'L_cycles' (did you mean 'arch.L_cycles'?)");
}

TEST_F(ConfigErrors, UnknownEvaluatorKeySuggestsTheEvaluatorKey) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("evaluators: [{name: arc, aggregated_votng: false}]\n"),
            path + ":1: unknown key 'evaluators[0].aggregated_votng' "
                   "(did you mean 'evaluators[0].aggregated_voting'?)");
}

TEST_F(ConfigErrors, UnknownOverrideKeyNamesTheCommandLine) {
  EXPECT_EQ(override_error({"arch.hiden_size=64"}),
            "command line: unknown key 'arch.hiden_size' (did you mean 'arch.hidden_size'?)");
  EXPECT_EQ(override_error({"+run_name=x"}),
            "command line: unknown key '+run_name' (did you mean 'run_name'?)");
}

TEST_F(ConfigErrors, WrongTypeNamesKeyExpectedTypeAndValue) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("arch:\n  L_cycles: four\n"),
            path + ":2: arch.L_cycles: expected an integer, got 'four'");
  EXPECT_EQ(override_error({"lr=fast"}), "command line: lr: expected a number, got 'fast'");
  EXPECT_EQ(override_error({"ema=maybe"}), "command line: ema: expected true or false, got 'maybe'");
  EXPECT_EQ(override_error({"epochs=1.5"}), "command line: epochs: expected an integer, got '1.5'");
  EXPECT_EQ(override_error({"run_dir=[a, b]"}), "command line: run_dir: expected a string, got a list");
  EXPECT_EQ(override_error({"data_paths=[a.h5, [b.h5]]"}),
            "command line: data_paths[1]: expected a string, got a list");
  EXPECT_EQ(override_error({"arch=3"}), "command line: arch: expected a mapping of keys, got '3'");
  EXPECT_EQ(override_error({"evaluators=[arc]"}),
            "command line: evaluators[0]: expected a mapping like {name: arc}, got 'arc'");
}

TEST_F(ConfigErrors, OutOfRangeValuesNameTheKeyAndTheLimit) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"lr=-1", "lr: must be >= 0, got -1.0"},
      {"lr=.nan", "lr: must be a finite number, got .nan"},
      {"global_batch_size=0", "global_batch_size: must be >= 1, got 0"},
      {"arch.halt_max_steps=0", "arch.halt_max_steps: must be >= 1, got 0"},
      {"arch.H_cycles=0", "arch.H_cycles: must be >= 1, got 0"},
      {"arch.L_cycles=-2", "arch.L_cycles: must be >= 1, got -2"},
      {"arch.expansion=0", "arch.expansion: must be > 0, got 0.0"},
      {"lr_min_ratio=1.5", "lr_min_ratio: must be in [0, 1], got 1.5"},
      {"ema_rate=1", "ema_rate: must be in [0, 1), got 1.0"},
      {"evaluators=[{name: arc, pass_Ks: [1, 0]}]", "evaluators[0].pass_Ks[1]: must be >= 1, got 0"},
      {"resume=sometimes", "resume: must be one of auto, never; got 'sometimes'"},
      {"arch.forward_dtype=float16",
       "arch.forward_dtype: must be one of auto, float32, bfloat16; got 'float16'"},
      {"arch.pos_encodings=alibi", "arch.pos_encodings: must be one of rope, learned, none; got 'alibi'"},
      {"arch.name=gpt", "arch.name: must be one of trm, hrm, urm; got 'gpt'"},
      {"arch.loss.loss_type=mse",
       "arch.loss.loss_type: must be one of stablemax_cross_entropy, softmax_cross_entropy; got 'mse'"},
      {"evaluators=[{name: sudoku}]", "evaluators[0].name: must be one of arc, samples; got 'sudoku'"},
      {"evaluators=[{name: samples, saved_samples: 5000}]",
       "evaluators[0].saved_samples: must be in [0, 1000], got 5000"},
  };
  for (const auto& [override_text, message] : cases)
    EXPECT_EQ(override_error({override_text}), "command line: " + message) << override_text;
}

// A rule's keys may come from different places, so its message names them
// all rather than one file line.
TEST_F(ConfigErrors, CrossKeyRulesNameTheKeysInvolved) {
  EXPECT_EQ(override_error({"arch.hidden_size=100"}),
            "arch.hidden_size: must be divisible by arch.num_heads (8), got 100");
  EXPECT_EQ(override_error({"epochs=15"}),
            "epochs: must be a multiple of eval_interval (10), got 15 "
            "(the reference trains in whole rounds of eval_interval epochs)");
  EXPECT_EQ(override_error({"arch.name=hrm", "arch.H_layers=0"}),
            "arch.H_layers: must be >= 1 for arch.name hrm, got 0");
  EXPECT_EQ(override_error({"arch.hidden_size=96", "arch.num_heads=32"}),
            "arch.pos_encodings: rope needs an even head size, got hidden_size / num_heads = 3");
  EXPECT_EQ(override_error({"arch.puzzle_emb_len=1", "arch.puzzle_emb_ndim=512"}),
            "arch.puzzle_emb_len: too short: 1 slots of 128 cannot hold arch.puzzle_emb_ndim = 512");
  EXPECT_EQ(override_error({"arch.puzzle_emb_ndim=0"}),
            "arch.puzzle_emb_len: must be 0 when arch.puzzle_emb_ndim is 0 (there is no puzzle prefix), got 16");
  EXPECT_EQ(override_error({"arch.puzzle_emb_len=0"}), "(no error)");  // ceil(ndim / hidden) slots
  EXPECT_EQ(override_error({"arch.name=hrm", "arch.H_layers=1", "arch.pos_encodings=none"}),
            "arch.pos_encodings: HRM supports rope or learned, got none");
  EXPECT_EQ(override_error({"arch.name=hrm", "arch.H_layers=1", "arch.mlp_t=true"}),
            "arch.mlp_t: is a TRM option; HRM always uses attention");
  EXPECT_EQ(override_error({"grad_accum_steps=5"}),
            "global_batch_size: must be a multiple of grad_accum_steps (5), got 64");
}

TEST_F(ConfigErrors, ARangeErrorFromAFileNamesFileAndLine) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("epochs: 10\neval_interval: 5\narch:\n  H_cycles: 0\n"),
            path + ":4: arch.H_cycles: must be >= 1, got 0");
}

TEST_F(ConfigErrors, AValueFixedByAnOverrideIsNoError) {
  const std::string path = write("recipe.yaml", "arch:\n  H_cycles: 0\n");
  EXPECT_EQ(load_config(path, {"arch.H_cycles=2"}).arch.H_cycles, 2);
}

TEST_F(ConfigErrors, MissingRecipeNamesTheFile) {
  const std::string path = (dir_ / "nope.yaml").string();
  EXPECT_EQ(error_of([&] { load_config(path, {}); }), path + ": no such file");
  EXPECT_EQ(error_of([&] { load_config(dir_.string(), {}); }),
            dir_.string() + ": is a directory, not a YAML file");
}

TEST_F(ConfigErrors, MissingIncludeNamesTheIncludingLineAndTheMissingPath) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("lr: 1.0e-4\ninclude: base/none.yaml\n"),
            path + ":2: include: no such file '" + (dir_ / "base/none.yaml").string() + "'");
  EXPECT_EQ(recipe_error("include: [a.yaml, b.yaml]\n"),
            path + ":1: include: expected a file name, got a list");
}

TEST_F(ConfigErrors, IncludeCycleIsAnError) {
  EXPECT_EQ(error_of([&] { load_config(recur::testing::trainer_fixtures_dir() + "/cycle_a.yaml", {}); }),
            recur::testing::trainer_fixtures_dir() + "/cycle_b.yaml:1: include: include cycle: "
                        "cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml");
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("include: recipe.yaml\n"),
            path + ":1: include: include cycle: recipe.yaml -> recipe.yaml");
}

TEST_F(ConfigErrors, DuplicateKeyIsAnError) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("lr: 1.0e-4\narch: {L_cycles: 2}\nlr: 2.0e-4\n"), path + ":3: duplicate key 'lr'");
  EXPECT_EQ(recipe_error("init_from: a\nload_checkpoint: b\n"), path + ":2: duplicate key 'load_checkpoint' (another name for 'init_from')");
}

TEST_F(ConfigErrors, TopLevelMustBeAMapping) {
  const std::string path = (dir_ / "recipe.yaml").string();
  EXPECT_EQ(recipe_error("- lr\n- epochs\n"), path + ": expected a mapping of config keys, got a list");
}

TEST_F(ConfigErrors, MalformedOverridesAreErrors) {
  EXPECT_EQ(override_error({"lr"}), "command line: expected key=value, got 'lr'");
  EXPECT_EQ(override_error({"=3"}), "command line: expected key=value, got '=3'");
  EXPECT_EQ(override_error({"data_paths=[a.h5"}),
            "command line: data_paths: invalid YAML value: end of sequence flow not found");
}

TEST_F(ConfigErrors, SavedConfigMayNotInclude) {
  EXPECT_EQ(error_of([] { config_from_yaml("include: base.yaml\n", "model.h5"); }),
            "model.h5:1: include: not allowed in a saved config (it must be self-contained)");
}

}  // namespace
}  // namespace recur::trainer
