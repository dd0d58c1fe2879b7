// The checkpoint folder protocol: multi-rank saves, COMPLETE, finding the
// latest, and clear errors for every kind of broken checkpoint.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "checkpoints/atomic_file.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/checkpoint_writer.h"
#include "common/error.h"
#include "test_support.h"

namespace recur::checkpoints {
namespace {

namespace fs = std::filesystem;
using testing::model_bundle;
using testing::rank_bundle;
using testing::contains;
using testing::error_of;
using testing::same_bundle;
using testing::save_two_ranks;
using testing::ScratchDir;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Captures spdlog warnings for the lifetime of the object.
class WarningLog {
 public:
  WarningLog() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)) {
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  ~WarningLog() { spdlog::default_logger()->sinks().pop_back(); }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(text_.str());
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};


TEST(CheckpointFolder, TwoRankSaveCompletesAndLoadsBitIdentically) {
  ScratchDir run;
  std::string folder = save_two_ranks(run.path(), 1000);
  EXPECT_EQ(folder, step_folder(run.path(), 1000));
  EXPECT_EQ(fs::path(folder).filename(), "step_00001000");
  EXPECT_FALSE(fs::exists(staging_folder(run.path(), 1000)));

  nlohmann::json complete = nlohmann::json::parse(read_text(folder + "/COMPLETE"));
  EXPECT_EQ(complete["step"], 1000);
  EXPECT_EQ(complete["world_size"], 2);
  EXPECT_EQ(complete["eval"], false);
  EXPECT_EQ(complete["files"].size(), 3u);
  EXPECT_EQ(complete["files"]["rank_00001.h5"].get<std::string>().size(), 16u);

  std::optional<CheckpointRef> latest = find_latest_complete(run.path());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->folder, folder);
  EXPECT_EQ(latest->manifest.step, 1000);
  EXPECT_TRUE(same_bundle(load_model_state(*latest), model_bundle(1000)));
  EXPECT_TRUE(same_bundle(load_rank_state(*latest, 0), rank_bundle(1000, 0)));
  EXPECT_TRUE(same_bundle(load_rank_state(*latest, 1), rank_bundle(1000, 1)));
}

TEST(CheckpointFolder, FindLatestPicksTheHighestStepAndNoneWhenEmpty) {
  ScratchDir run;
  EXPECT_FALSE(find_latest_complete(run.path()).has_value());  // no checkpoints/ yet
  save_two_ranks(run.path(), 9);
  save_two_ranks(run.path(), 100000000);  // 9 digits still parse and sort numerically
  save_two_ranks(run.path(), 20);
  EXPECT_EQ(find_latest_complete(run.path())->manifest.step, 100000000);
}

TEST(CheckpointFolder, SavingFromTwoProcessesWithAnAgreementCollective) {
  // Rank 1 is a forked process; the collective is a byte exchanged over pipes.
  ScratchDir run;
  int to_child[2], to_parent[2];
  ASSERT_EQ(pipe(to_child), 0);
  ASSERT_EQ(pipe(to_parent), 0);
  auto exchange = [](int out, int in) {
    return [out, in](bool ok) {
      char mine = ok ? 1 : 0, theirs = 0;
      if (write(out, &mine, 1) != 1 || read(in, &theirs, 1) != 1) return false;
      return ok && theirs == 1;
    };
  };
  SaveOptions options{run.path(), 50, 0, 2, true, RetentionPolicy{}};
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    options.rank = 1;
    int code = 0;
    try {
      save_checkpoint(options, nullptr, rank_bundle(50, 1), exchange(to_parent[1], to_child[0]));
    } catch (...) {
      code = 1;
    }
    _exit(code);
  }
  StateBundle model = model_bundle(50);
  std::string folder = save_checkpoint(options, &model, rank_bundle(50, 0), exchange(to_child[1], to_parent[0]));
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CheckpointRef ref = open_checkpoint(folder);
  EXPECT_TRUE(ref.manifest.eval);
  EXPECT_TRUE(same_bundle(load_rank_state(ref, 1), rank_bundle(50, 1)));
}

TEST(CheckpointFolder, AFailedRankMakesEveryRankThrowAndNothingBecomesVisible) {
  ScratchDir run;
  SaveOptions options{run.path(), 7, 0, 2, false, RetentionPolicy{}};
  int calls = 0;
  auto other_rank_fails_to_write = [&](bool ok) { return ok && ++calls != 2; };
  StateBundle model = model_bundle(7);
  try {
    save_checkpoint(options, &model, rank_bundle(7, 0), other_rank_fails_to_write);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "another rank failed to write its checkpoint file")) << e.what();
  }
  EXPECT_FALSE(fs::exists(step_folder(run.path(), 7)));
  EXPECT_FALSE(find_latest_complete(run.path()).has_value());
}

TEST(CheckpointFolder, SingleProcessSaveCheckpointRoundTrips) {
  ScratchDir run;
  StateBundle model = model_bundle(3);
  SaveOptions options{run.path(), 3, 0, 1, false, RetentionPolicy{}};
  save_checkpoint(options, &model, rank_bundle(3, 0), [](bool ok) { return ok; });
  CheckpointRef ref = *find_latest_complete(run.path());
  EXPECT_TRUE(same_bundle(load_rank_state(ref, 0), rank_bundle(3, 0)));
}

TEST(CheckpointFolder, TemporariesAreNeverSeenAsCheckpoints) {
  ScratchDir run;
  save_two_ranks(run.path(), 10);
  // A save in progress: everything written but not finalized.
  begin_checkpoint(run.path(), 20);
  write_model_state(run.path(), 20, model_bundle(20));
  write_rank_state(run.path(), 20, 0, rank_bundle(20, 0));
  write_rank_state(run.path(), 20, 1, rank_bundle(20, 1));
  // A killed writer's leftovers: a staging folder that even has a COMPLETE, a
  // folder being removed, and a half-written file in a checkpoint.
  fs::copy(step_folder(run.path(), 10), checkpoints_dir(run.path()) + "/step_00000030.tmp");
  fs::copy(step_folder(run.path(), 10), checkpoints_dir(run.path()) + "/step_00000040.old");
  std::ofstream(step_folder(run.path(), 10) + "/.model.h5.tmp-12345") << "partial";
  WarningLog log;
  std::optional<CheckpointRef> latest = find_latest_complete(run.path());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->manifest.step, 10);
  EXPECT_TRUE(log.lines().empty());
  EXPECT_TRUE(is_temp_name(".model.h5.tmp-12345"));
  EXPECT_FALSE(is_temp_name("model.h5"));

  // Finishing the save publishes it; the next prune clears the leftovers.
  finalize_checkpoint(run.path(), 20, 2, false);
  EXPECT_EQ(find_latest_complete(run.path())->manifest.step, 20);
  prune_checkpoints(run.path(), RetentionPolicy{});
  EXPECT_FALSE(fs::exists(checkpoints_dir(run.path()) + "/step_00000030.tmp"));
  EXPECT_FALSE(fs::exists(checkpoints_dir(run.path()) + "/step_00000040.old"));
}

TEST(CheckpointFolder, BeginRemovesAStaleStagingFolderOfTheSameStep) {
  ScratchDir run;
  fs::create_directories(staging_folder(run.path(), 5));
  write_rank_state(run.path(), 5, 3, rank_bundle(5, 3));  // from an earlier 4-rank attempt
  save_two_ranks(run.path(), 5);
  EXPECT_FALSE(fs::exists(step_folder(run.path(), 5) + "/rank_00003.h5"));
  EXPECT_TRUE(verify_checkpoint(step_folder(run.path(), 5)).files.size() == 3);
}

TEST(CheckpointFolder, FinalizeRefusesWhenARankFileIsMissing) {
  ScratchDir run;
  begin_checkpoint(run.path(), 8);
  write_model_state(run.path(), 8, model_bundle(8));
  write_rank_state(run.path(), 8, 0, rank_bundle(8, 0));
  EXPECT_THROW(finalize_checkpoint(run.path(), 8, 2, false), std::runtime_error);
  EXPECT_FALSE(fs::exists(step_folder(run.path(), 8)));
}

TEST(CheckpointFolder, ResavingAStepReplacesIt) {
  ScratchDir run;
  save_two_ranks(run.path(), 5, /*eval=*/false);
  save_two_ranks(run.path(), 5, /*eval=*/true);
  EXPECT_TRUE(verify_checkpoint(step_folder(run.path(), 5)).eval);
  EXPECT_FALSE(fs::exists(removal_folder(run.path(), 5)));
}

TEST(CheckpointFolder, BrokenCheckpointsAreSkippedWithAWarningAndNamedOnesAreClearErrors) {
  ScratchDir run;
  for (int64_t step : {1, 2, 3, 4, 5, 6}) save_two_ranks(run.path(), step);
  auto folder = [&](int64_t step) { return step_folder(run.path(), step); };
  fs::remove(folder(6) + "/COMPLETE");                                            // never completed
  fs::remove(folder(5) + "/rank_00001.h5");                                       // a rank file missing
  testing::flip_byte(folder(4) + "/model.h5", fs::file_size(folder(4) + "/model.h5") / 2);  // corrupt
  testing::truncate_file(folder(3) + "/rank_00000.h5", 1000);                     // truncated
  fs::copy_file(folder(1) + "/rank_00001.h5", folder(2) + "/rank_00001.h5",       // from another save
                fs::copy_options::overwrite_existing);

  WarningLog log;
  std::optional<CheckpointRef> latest = find_latest_complete(run.path());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->manifest.step, 1);
  std::vector<std::string> warnings = log.lines();
  ASSERT_EQ(warnings.size(), 5u);
  for (size_t i = 0; i < warnings.size(); ++i) EXPECT_TRUE(contains(warnings[i], "skipping checkpoint")) << warnings[i];
  EXPECT_TRUE(contains(warnings[0], "step_00000006")) << warnings[0];

  std::string e6 = error_of([&] { verify_checkpoint(folder(6)); });
  EXPECT_TRUE(contains(e6, folder(6) + "/COMPLETE: missing: the checkpoint was never completed")) << e6;
  std::string e5 = error_of([&] { verify_checkpoint(folder(5)); });
  EXPECT_TRUE(contains(e5, "rank_00001.h5: cannot open file (missing or unreadable)")) << e5;
  std::string e4 = error_of([&] { load_model_state(open_checkpoint(folder(4))); });
  EXPECT_TRUE(contains(e4, "model.h5: checksum mismatch")) << e4;
  std::string e3 = error_of([&] { load_rank_state(open_checkpoint(folder(3)), 0); });
  EXPECT_TRUE(contains(e3, "rank_00000.h5")) << e3;
  std::string e2 = error_of([&] { load_rank_state(open_checkpoint(folder(2)), 1); });
  EXPECT_TRUE(contains(e2, "listed in COMPLETE")) << e2;
}

TEST(CheckpointFolder, CorruptOrForeignCompleteIsAClearError) {
  ScratchDir run;
  std::string folder = save_two_ranks(run.path(), 12);
  std::string good = read_text(folder + "/COMPLETE");
  std::string cut = good.substr(0, good.size() / 2);
  write_file_atomically(folder + "/COMPLETE", cut.data(), cut.size());
  EXPECT_TRUE(contains(error_of([&] { open_checkpoint(folder); }), "not a valid JSON manifest"));
  nlohmann::json j = nlohmann::json::parse(good);
  j["step"] = 13;
  std::string moved = j.dump();
  write_file_atomically(folder + "/COMPLETE", moved.data(), moved.size());
  EXPECT_TRUE(contains(error_of([&] { open_checkpoint(folder); }), "manifest says step 13 but the folder is step_00000012"));
  j["step"] = 12;
  j["files"].erase("rank_00001.h5");
  EXPECT_TRUE(contains(error_of([&] { parse_manifest(j.dump(), "C"); }), "no valid checksum for rank_00001.h5"));
}

TEST(CheckpointFolder, ARankTheCheckpointDoesNotHaveIsAnInputError) {
  ScratchDir run;
  save_two_ranks(run.path(), 30);
  CheckpointRef ref = *find_latest_complete(run.path());
  std::string e = error_of([&] { load_rank_state(ref, 2); });
  EXPECT_TRUE(contains(e, "has no file for rank 2: it was written by 2 ranks")) << e;
}

TEST(CheckpointFolder, ResolvesFoldersFilesAndRunFolders) {
  ScratchDir run;
  save_two_ranks(run.path(), 40);
  std::string folder = save_two_ranks(run.path(), 41);
  EXPECT_EQ(resolve_checkpoint_path(folder), folder);
  EXPECT_EQ(resolve_checkpoint_path(folder + "/model.h5"), folder);
  EXPECT_EQ(resolve_checkpoint_path(folder + "/rank_00001.h5"), folder);
  EXPECT_EQ(resolve_checkpoint_path(run.path()), folder);
  EXPECT_EQ(resolve_checkpoint_path(checkpoints_dir(run.path())), folder);
  EXPECT_TRUE(contains(error_of([&] { resolve_checkpoint_path(run / "nothing"); }), "no such checkpoint"));
  fs::create_directories(run / "empty_run/checkpoints");
  EXPECT_TRUE(contains(error_of([&] { resolve_checkpoint_path(run / "empty_run"); }), "no complete checkpoint"));
  std::ofstream(run / "notes.txt") << "x";
  EXPECT_TRUE(contains(error_of([&] { resolve_checkpoint_path(run / "notes.txt"); }), "not a checkpoint"));
}

}  // namespace
}  // namespace recur::checkpoints
