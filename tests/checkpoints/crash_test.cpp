// A writer SIGKILLed at a random moment never leaves a broken "latest".
//
// A forked child saves checkpoints in a loop (the full protocol, with
// pruning); the parent kills it at a random time after its first complete
// save. The run folder must then resume: the latest complete checkpoint
// verifies and holds exactly the state of its step, and the next writer
// (another child, continuing the run) copes with whatever was left behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/checkpoint_writer.h"
#include "test_support.h"

namespace recur::checkpoints {
namespace {

using testing::ScratchDir;

constexpr int64_t kElements = 1 << 20;  // 4 MiB per weight tensor: saves take a few ms

[[noreturn]] void write_forever(const std::string& run, int64_t first_step, int report_fd) {
  for (int64_t step = first_step;; ++step) {
    StateBundle model = testing::model_bundle(step, kElements);
    SaveOptions options{run, step, 0, 1, step % 5 == 0, RetentionPolicy{2, true}};
    save_checkpoint(options, &model, testing::rank_bundle(step, 0), [](bool ok) { return ok; });
    if (write(report_fd, &step, sizeof(step)) != sizeof(step)) _exit(1);
  }
}

TEST(CrashSafety, SigkillDuringSavesLeavesAResumableLatestCheckpoint) {
  ScratchDir run;
  std::mt19937 rng(2024);
  int64_t next_step = 1;
  int kills_during_a_save = 0;
  for (int trial = 0; trial < 6; ++trial) {
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(report[0]);
      try {
        write_forever(run.path(), next_step, report[1]);
      } catch (...) {
        _exit(2);
      }
    }
    close(report[1]);
    int64_t completed = -1;
    ASSERT_EQ(read(report[0], &completed, sizeof(completed)), static_cast<ssize_t>(sizeof(completed)));
    std::this_thread::sleep_for(std::chrono::microseconds(std::uniform_int_distribution<int>(0, 150000)(rng)));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself (status " << status << ")";
    for (int64_t step; read(report[0], &step, sizeof(step)) == sizeof(step);) completed = step;
    close(report[0]);
    for (const auto& entry : std::filesystem::directory_iterator(checkpoints_dir(run.path())))
      kills_during_a_save += entry.path().extension() == ".tmp";

    std::optional<CheckpointRef> latest = find_latest_complete(run.path());
    ASSERT_TRUE(latest.has_value()) << "trial " << trial;
    // The kill may land after a rename but before the report: one step ahead is fine.
    EXPECT_GE(latest->manifest.step, completed);
    EXPECT_LE(latest->manifest.step, completed + 1);
    EXPECT_TRUE(testing::same_bundle(load_model_state(*latest), testing::model_bundle(latest->manifest.step, kElements)));
    EXPECT_TRUE(testing::same_bundle(load_rank_state(*latest, 0), testing::rank_bundle(latest->manifest.step, 0)));
    next_step = latest->manifest.step + 1;  // resume the run where it stands
  }
  RecordProperty("kills_during_a_save", kills_during_a_save);
}

}  // namespace
}  // namespace recur::checkpoints
