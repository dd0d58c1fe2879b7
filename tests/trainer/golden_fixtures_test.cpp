// Every golden fixture (tests/golden/, the project's copy of the shared folder's
// golden/) passes through verify_golden(), the code path `recur verify-golden`
// runs, at the fixtures' README tolerances (float32, CPU).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <vector>

#include "common/libtorch.h"
#include "models_test_support.h"
#include "trainer/golden/verify.h"

namespace recur::trainer {
namespace {

// Passes if every check passes; lists the failing ones otherwise.
GoldenReport expect_fixture_passes(const std::string& file) {
  torch::set_num_threads(1);
  const std::string path = testing::golden_dir() + "/" + file;
  EXPECT_TRUE(std::filesystem::exists(path)) << path;
  const GoldenReport report = verify_golden(path);
  EXPECT_FALSE(report.checks.empty());
  for (const auto& check : report.checks) EXPECT_TRUE(check.pass) << format_check(check);
  return report;
}

size_t count_checks_named(const GoldenReport& r, const std::string& part) {
  size_t n = 0;
  for (const auto& c : r.checks) n += c.name.find(part) != std::string::npos;
  return n;
}

TEST(GoldenFixtures, TrmAttentionMatchesReference) { expect_fixture_passes("trm_att.h5"); }
TEST(GoldenFixtures, TrmMlpMatchesReference) { expect_fixture_passes("trm_mlp.h5"); }
TEST(GoldenFixtures, HrmMatchesReference) { expect_fixture_passes("hrm.h5"); }
TEST(GoldenFixtures, AdamATan2MatchesReference) { expect_fixture_passes("adam_atan2.h5"); }
TEST(GoldenFixtures, StablemaxMatchesReference) { expect_fixture_passes("stablemax.h5"); }
TEST(GoldenFixtures, LrScheduleMatchesReference) { expect_fixture_passes("lr_schedule.h5"); }
// URM's report adds the ConvSwiGLU stages bit for bit and the bf16 replay.
TEST(GoldenFixtures, UrmMatchesReference) {
  const GoldenReport urm = expect_fixture_passes("urm/urm.h5");
  for (const std::string stage : {"dwconv_in", "dwconv_out", "act_out", "output", "grads/dwconv.weight"})
    EXPECT_EQ(count_checks_named(urm, "modules/layers.0.mlp/" + stage), 1u) << stage;
  EXPECT_EQ(count_checks_named(urm, "/grads/model.inner."), 2u * 3u * 16u);  // 16 URM parameters
  EXPECT_EQ(count_checks_named(urm, "replay/train/step_3/ema_shadow_after/"), 16u);
  EXPECT_EQ(count_checks_named(urm, "end_to_end/train/step_1/loss"), 1u);
}

// Muon's: every step's state and the Newton-Schulz stages of both traced weights.
TEST(GoldenFixtures, MuonMatchesReference) {
  const GoldenReport muon = expect_fixture_passes("urm/muon.h5");
  EXPECT_EQ(count_checks_named(muon, "/ns_input/"), 5u * 6u);  // 5 steps x 6 Muon parameters
  EXPECT_EQ(count_checks_named(muon, "/adamw_exp_avg_sq/"), 5u * 3u);
  EXPECT_EQ(count_checks_named(muon, "ns_trace/"), 2u * (2u + 3u * 5u + 2u));
}

// A fixture added to the folder later is covered too (and the seven above are all there).
TEST(GoldenFixtures, EveryFileInTheGoldenFolderIsAKnownFixture) {
  std::set<std::string> kinds;
  for (const std::string& name : testing::golden_fixture_files()) {
    static const std::set<std::string> checked_above = {"trm_att.h5",     "trm_mlp.h5",     "hrm.h5",
                                                        "adam_atan2.h5",  "stablemax.h5",   "lr_schedule.h5",
                                                        "urm/urm.h5",     "urm/muon.h5"};
    if (!checked_above.count(name)) expect_fixture_passes(name);
    kinds.insert(name);
  }
  EXPECT_GE(kinds.size(), 8u);
}

// The model reports cover what the issue asks for: several consecutive steps of logits,
// Q values, carries, losses, every parameter gradient, and the optimizer steps.
TEST(GoldenFixtures, ModelReportCoversStepsGradientsAndOptimizers) {
  torch::set_num_threads(1);
  const GoldenReport r = verify_golden(testing::golden_dir() + "/hrm.h5");
  for (const std::string step : {"step_1/", "step_2/", "step_3/"}) {
    EXPECT_EQ(count_checks_named(r, step + "outputs/logits"), 2u) << step;  // step_k and train/step_k
    EXPECT_EQ(count_checks_named(r, step + "outputs/target_q_continue"), 2u) << step;
    EXPECT_EQ(count_checks_named(r, step + "carry/z_H"), 2u) << step;
    EXPECT_EQ(count_checks_named(r, step + "metrics/q_continue_loss"), 2u) << step;
    EXPECT_EQ(count_checks_named(r, step + "grads_puzzle_emb/row_grad"), 2u) << step;
  }
  EXPECT_EQ(count_checks_named(r, "/grads/model.inner."), 2u * 3u * 20u);  // 20 HRM parameters
  EXPECT_EQ(count_checks_named(r, "replay/train/step_3/params_after/"), 20u);
  EXPECT_EQ(count_checks_named(r, "adam_exp_avg_sq_after/"), 20u);
  EXPECT_EQ(count_checks_named(r, "end_to_end/train/step_3/loss"), 1u);
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The project's copy has not drifted from the shared folder's, where that is here.
TEST(GoldenFixtures, CopiesEqualTheSharedFolder) {
  const std::filesystem::path shared = testing::shared_dir() + "/golden";
  if (!std::filesystem::exists(shared)) GTEST_SKIP() << testing::missing_shared_data(shared.string());
  size_t compared = 0;
  for (const std::string& name : testing::golden_fixture_files(shared.string())) {
    const std::filesystem::path ours = std::filesystem::path(testing::golden_dir()) / name, theirs = shared / name;
    ASSERT_TRUE(std::filesystem::exists(ours)) << ours << " missing (copy " << theirs << ")";
    EXPECT_TRUE(file_bytes(ours) == file_bytes(theirs)) << ours << " differs from " << theirs;
    ++compared;
  }
  EXPECT_GE(compared, 8u);
}

}  // namespace
}  // namespace recur::trainer
