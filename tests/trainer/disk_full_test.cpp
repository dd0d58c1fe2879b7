// A full disk (issue 15): the run folder on a small tmpfs, filled so that
// less than one checkpoint fits, at several levels, which meet the full disk
// in different files (config.yaml, model.h5, the rank file); metrics.jsonl
// meets it while training, and so does the TensorBoard event file.
// Every attempt ends with exit 1 and one error line naming the file and the
// OS's reason; no staging folder or temporary is left taking the space; the
// newest complete checkpoint is still the one before and verifies; and once
// the space is freed, the retry resumes from it and ends bit-identical to a
// run that never met a full disk. A dataset build on a full disk fails the
// same way and leaves no file.
//
// Needs root (mount); skipped, saying so, without it.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <iterator>
#include <regex>

#include "checkpoints/checkpoint_loader.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

constexpr const char* kNoSpace = "No space left on device";

class DiskFull : public TrainingRunTest {
 protected:
  void SetUp() override {
    TrainingRunTest::SetUp();
    if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
    disk_ = path("disk");
    fs::create_directories(disk_);
    if (::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=24m") != 0)
      GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) ::umount2(disk_.c_str(), MNT_DETACH);
    TrainingRunTest::TearDown();
  }

  // Takes all free space on the tmpfs but `left` bytes (whole pages).
  void fill_leaving(int64_t left) {
    fs::remove(filler());
    struct statvfs st {};
    ASSERT_EQ(::statvfs(disk_.c_str(), &st), 0);
    const int64_t avail = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
    ASSERT_GT(avail, left);
    const int fd = ::open(filler().c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(::posix_fallocate(fd, 0, avail - left), 0);
    ::close(fd);
  }
  std::string filler() const { return disk_ + "/filler"; }

  // The files a failed write may leave behind: staging folders, temporaries.
  std::vector<std::string> leftovers(const std::string& run) const {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(run)) {
      const std::string name = e.path().filename().string();
      if (name.find(".tmp") != std::string::npos || name.find(".old") != std::string::npos)
        found.push_back(e.path().string());
    }
    return found;
  }

  std::string disk_;
  bool mounted_ = false;
};

int64_t folder_bytes(const std::string& folder) {
  int64_t bytes = 0;
  for (const auto& e : fs::directory_iterator(folder)) bytes += static_cast<int64_t>(e.file_size());
  return bytes;
}

// The "recur: error: ..." lines of a process's stderr.
std::vector<std::string> error_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("recur: error:", 0) == 0) lines.push_back(line);
  return lines;
}

TEST_F(DiskFull, EachFillLevelFailsCleanlyAndTheRetryResumesExactly) {
  make_sudoku_data();
  train("straight", 1, "checkpoint_interval=0");
  const std::string run = "disk/run";
  train(run, 1, "stop_after_steps=8 checkpoint_interval=4");
  ASSERT_EQ(complete_steps(path(run)), (std::vector<int64_t>{4, 8}));
  const int64_t checkpoint_bytes = folder_bytes(checkpoint(run, 8));
  std::cout << "[ measured ] one checkpoint: " << checkpoint_bytes << " bytes\n";

  // Free space left, from nothing to a page short of a checkpoint.
  std::set<std::string> failed_files;
  // (Measured: 0 meets it in config.yaml, 16 KiB and half a checkpoint in
  // model.h5, a page short of a checkpoint in the rank file.)
  for (const int64_t left : {int64_t{0}, int64_t{16384}, checkpoint_bytes / 2, checkpoint_bytes - 4096}) {
    SCOPED_TRACE("free bytes " + std::to_string(left));
    fill_leaving(left);
    auto attempt = start_train(run, 1, "stop_after_steps=4 checkpoint_interval=4");
    ASSERT_EQ(attempt->wait(), 1) << attempt->err();
    const std::vector<std::string> errors = error_lines(attempt->err());
    ASSERT_EQ(errors.size(), 1u) << attempt->err();
    std::cout << "[ measured ] " << left << " bytes free: " << errors[0] << "\n";
    EXPECT_NE(errors[0].find(kNoSpace), std::string::npos) << errors[0];
    std::smatch file;
    ASSERT_TRUE(std::regex_search(errors[0], file, std::regex("recur: error: (" + path(run) + "/[^:]+):")))
        << errors[0];
    failed_files.insert(fs::path(file[1].str()).filename().string());
    EXPECT_EQ(leftovers(path(run)), std::vector<std::string>{});
    EXPECT_EQ(complete_steps(path(run)).back(), 8);
    EXPECT_NO_THROW(checkpoints::verify_checkpoint(checkpoint(run, 8)));
    EXPECT_NO_THROW(trainer::read_metrics(path(run) + "/metrics.jsonl"));  // no torn row
  }
  // The levels met the full disk in different files, the checkpoint among them.
  EXPECT_GE(failed_files.size(), 3u);
  EXPECT_TRUE(failed_files.count("model.h5")) << "no level failed inside the checkpoint";

  fs::remove(filler());
  auto retry = start_train(run, 1, "checkpoint_interval=4");
  ASSERT_EQ(retry->wait(), 0) << retry->err();
  EXPECT_NE(retry->err().find("(step 8)"), std::string::npos) << retry->err();
  for (int64_t step : {10, 20, 30})
    EXPECT_TRUE(same_checkpoint_state(checkpoint("straight", step), checkpoint(run, step))) << "step " << step;
  expect_same_metrics(path(run), path("straight"), kTotalSteps);
}

// The disk fills while training: the next metrics row that needs a new page
// fails, and the run ends with the one line naming metrics.jsonl; the rows
// before it are whole (a partly written row is cut off again).
TEST_F(DiskFull, AMetricsRowMeetingAFullDiskEndsTheRunNamingTheFile) {
  make_sudoku_data();
  const std::string run = "disk/run";
  auto training = start_train(run, 1, "epochs=600 eval_interval=200 checkpoint_interval=0");
  ASSERT_TRUE(wait_until([&] { return last_logged_step(path(run + "/metrics.jsonl")) >= 2; })) << training->err();
  fill_leaving(0);
  ASSERT_EQ(training->wait(), 1) << training->err();
  const std::vector<std::string> errors = error_lines(training->err());
  ASSERT_EQ(errors.size(), 1u) << training->err();
  EXPECT_NE(errors[0].find("recur: error: " + path(run) + "/metrics.jsonl: cannot write: " + kNoSpace),
            std::string::npos)
      << errors[0];
  const std::vector<nlohmann::json> rows = trainer::read_metrics(path(run) + "/metrics.jsonl");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().at("step").get<int64_t>(), static_cast<int64_t>(rows.size()));  // whole rows, none torn
}

// The same for the TensorBoard event file (log_tensorboard): RUN/tensorboard
// is a link into the tmpfs, so the event file alone meets the full disk. The
// file left behind is whole records (length, CRC, payload, CRC) to its end.
TEST_F(DiskFull, AnEventRecordMeetingAFullDiskEndsTheRunNamingTheFile) {
  make_sudoku_data();
  const std::string run = "run";
  fs::create_directories(disk_ + "/tensorboard");
  fs::create_directories(path(run));
  fs::create_directory_symlink(disk_ + "/tensorboard", path(run + "/tensorboard"));
  auto training = start_train(run, 1, "epochs=600 eval_interval=200 checkpoint_interval=0 log_tensorboard=true");
  ASSERT_TRUE(wait_until([&] { return last_logged_step(path(run + "/metrics.jsonl")) >= 2; })) << training->err();
  fill_leaving(0);
  ASSERT_EQ(training->wait(), 1) << training->err();
  const std::vector<std::string> errors = error_lines(training->err());
  ASSERT_EQ(errors.size(), 1u) << training->err();
  std::smatch file;
  ASSERT_TRUE(std::regex_search(errors[0], file,
                                std::regex("recur: error: (" + path(run) + "/tensorboard/events\\.out\\.tfevents\\.[^:]+)"
                                           ": cannot write: " + kNoSpace)))
      << errors[0];
  std::ifstream in(file[1].str(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = 0, records = 0;
  while (at + 12 <= bytes.size()) {
    uint64_t length = 0;
    std::memcpy(&length, bytes.data() + at, sizeof length);
    at += 12 + length + 4;
    ++records;
  }
  EXPECT_EQ(at, bytes.size()) << "the event file ends inside a record";
  EXPECT_GE(records, 4u);  // the version, the session start and two rows at least
}

// Two ranks: rank 0's failure ends the job with exit 1 and the same one line,
// and the retry on the freed disk runs.
TEST_F(DiskFull, TwoRanksFailTogetherWithOneLine) {
  RECUR_SKIP_WITHOUT_MPI();
  make_sudoku_data();
  const std::string run = "disk/run";
  fill_leaving(0);
  auto attempt = start_train(run, 2, "stop_after_steps=4 checkpoint_interval=4");
  ASSERT_EQ(attempt->wait(), 1) << attempt->err();
  const std::vector<std::string> errors = error_lines(attempt->err());
  ASSERT_EQ(errors.size(), 1u) << attempt->err();
  EXPECT_NE(errors[0].find(kNoSpace), std::string::npos) << errors[0];
  EXPECT_EQ(leftovers(path(run)), std::vector<std::string>{});
  fs::remove(filler());
  train(run, 2, "stop_after_steps=4 checkpoint_interval=4");
  EXPECT_EQ(complete_steps(path(run)), std::vector<int64_t>{4});
}

TEST_F(DiskFull, DatasetBuildFailsNamingTheFileAndLeavesNothing) {
  fill_leaving(16384);
  const std::string out = disk_ + "/sudoku.h5";
  const std::string build = "data sudoku --generate 200 --givens 36 --train-size 150 --test-size 50 --augment 8 "
                            "--seed 5 --threads 1 --out " + out;
  const ProcessResult full = run_recur(build);
  EXPECT_EQ(full.exit_code, 1) << full.err;
  const std::vector<std::string> errors = error_lines(full.err);
  ASSERT_EQ(errors.size(), 1u) << full.err;
  EXPECT_NE(errors[0].find(out), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find(kNoSpace), std::string::npos) << errors[0];
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(disk_))
    if (e.path() != filler()) left.push_back(e.path().string());
  EXPECT_EQ(left, std::vector<std::string>{});
  fs::remove(filler());
  const ProcessResult retry = run_recur(build);
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_TRUE(fs::exists(out));
}

}  // namespace
}  // namespace recur::testing
