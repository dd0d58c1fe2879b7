// Retention: last K plus eval checkpoints, never the newest, only our folders.
#include <gtest/gtest.h>

#include <set>

#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_writer.h"
#include "checkpoints/retention.h"
#include "test_support.h"

namespace recur::checkpoints {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

void save(const std::string& run, int64_t step, bool eval) {
  begin_checkpoint(run, step);
  write_model_state(run, step, testing::model_bundle(step, 64));
  write_rank_state(run, step, 0, testing::rank_bundle(step, 0));
  finalize_checkpoint(run, step, 1, eval);
}

std::set<std::string> entries(const std::string& run) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(checkpoints_dir(run))) names.insert(e.path().filename().string());
  return names;
}

std::set<std::string> steps(std::initializer_list<int64_t> list) {
  std::set<std::string> names;
  for (int64_t s : list) names.insert(step_folder_name(s));
  return names;
}

TEST(Retention, KeepsTheLastKAndEveryEvalCheckpoint) {
  ScratchDir run;
  for (int64_t step = 1; step <= 10; ++step) save(run.path(), step, step == 3 || step == 6);
  std::vector<std::string> removed = prune_checkpoints(run.path(), RetentionPolicy{2, true});
  EXPECT_EQ(removed.size(), 6u);
  EXPECT_EQ(entries(run.path()), steps({3, 6, 9, 10}));
  prune_checkpoints(run.path(), RetentionPolicy{2, false});
  EXPECT_EQ(entries(run.path()), steps({9, 10}));
  prune_checkpoints(run.path(), RetentionPolicy{0, false});  // never below the newest
  EXPECT_EQ(entries(run.path()), steps({10}));
}

TEST(Retention, SaveCheckpointPrunesAsItGoes) {
  ScratchDir run;
  for (int64_t step = 1; step <= 6; ++step) {
    StateBundle model = testing::model_bundle(step, 64);
    SaveOptions options{run.path(), step, 0, 1, step == 2, RetentionPolicy{3, true}};
    save_checkpoint(options, &model, testing::rank_bundle(step, 0), [](bool ok) { return ok; });
  }
  EXPECT_EQ(entries(run.path()), steps({2, 4, 5, 6}));
}

TEST(Retention, LeavesForeignAndUnverifiableFoldersAloneAndClearsLeftovers) {
  ScratchDir run;
  save(run.path(), 1, false);
  save(run.path(), 2, false);
  std::string dir = checkpoints_dir(run.path());
  fs::create_directories(dir + "/notes");
  fs::create_directories(dir + "/step_123");                   // not our name (too few digits)
  fs::create_directories(dir + "/step_00000000");              // our name, but no COMPLETE: not vouched for
  std::ofstream(dir + "/step_00000000/keep.txt") << "x";
  std::ofstream(dir + "/README") << "x";
  fs::create_directories(dir + "/step_00000007.tmp");          // a killed writer's staging folder
  fs::create_directories(dir + "/step_00000001.old");          // a killed pruner's leftover
  fs::create_directories(dir + "/step_00000009");              // newer, but incomplete
  prune_checkpoints(run.path(), RetentionPolicy{1, true});
  EXPECT_EQ(entries(run.path()),
            (std::set<std::string>{"notes", "step_123", "step_00000000", "README", "step_00000002", "step_00000009"}));
}

}  // namespace
}  // namespace recur::checkpoints
