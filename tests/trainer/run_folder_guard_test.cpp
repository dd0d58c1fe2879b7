// What keeps a run folder consistent across runs (issue 15):
//  - one writer: a second `recur train` on a folder in use (1 or 2 ranks)
//    exits 2 naming the holder's host, pid and start time, and the first run
//    is not disturbed; once the holder is killed (-9), a resume goes ahead;
//  - the same data: a resume on a dataset rebuilt at the same path with
//    other puzzles exits 2 naming the file, unless resume_data_changed=allow,
//    which continues and says so in log.txt.
#include <unistd.h>

#include "training_runs.h"

namespace recur::testing {
namespace {

class RunFolderGuard : public TrainingRunTest {};

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

TEST_F(RunFolderGuard, ASecondRunExitsTwoNamingTheHolderAndADeadHolderDoesNotBlock) {
  make_sudoku_data();
  // Long enough to outlive the two refused attempts; killed below.
  auto holder = start_train("run", 1, "epochs=600 eval_interval=200 checkpoint_interval=2");
  ASSERT_TRUE(wait_until([&] { return last_logged_step(path("run/metrics.jsonl")) >= 3; })) << holder->err();
  const std::string expected = path("run") + "/lock: the run folder is in use by another run: host " + host_name() +
                               ", pid " + std::to_string(holder->pid()) + ", started ";
  for (int ranks : {1, 2}) {
    if (ranks > 1 && !builds_with_mpi()) continue;  // one rank only in this build
    auto second = start_train("run", ranks, "");
    EXPECT_EQ(second->wait(), 2) << second->err();
    EXPECT_NE(second->err().find(expected), std::string::npos) << second->err();
  }
  ASSERT_TRUE(holder->running()) << holder->err();
  const int64_t before_kill = last_logged_step(path("run/metrics.jsonl"));
  ASSERT_TRUE(wait_until([&] { return last_logged_step(path("run/metrics.jsonl")) > before_kill; }))
      << "the holder stopped training";
  kill(holder->pid(), SIGKILL);
  ASSERT_EQ(holder->wait(), 128 + SIGKILL);

  const int64_t newest = complete_steps(path("run")).back();
  auto resumed = start_train("run", 1, "epochs=600 eval_interval=200 checkpoint_interval=2 stop_after_steps=2");
  ASSERT_EQ(resumed->wait(), 0) << resumed->err();
  EXPECT_NE(resumed->err().find("(step " + std::to_string(newest) + ")"), std::string::npos) << resumed->err();
  // Every step is logged once: the refused runs wrote nothing.
  const MetricsRows rows = metrics_rows(path("run"));
  for (size_t i = 0; i < rows.train.size(); ++i) ASSERT_EQ(rows.train[i].at("step"), i + 1);
  EXPECT_EQ(rows.train.back().at("step"), newest + 2);
}

TEST_F(RunFolderGuard, ResumingOnRebuiltDataIsRefusedUnlessAllowed) {
  make_sudoku_data();
  train("run", 1, "stop_after_steps=4");
  const ProcessResult rebuilt = run_recur(
      "data sudoku --generate 60 --givens 36 --train-size 40 --test-size 20 --augment 3 --seed 6 --threads 1 "
      "--out " + path("sudoku.h5"));
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;

  auto refused = start_train("run", 1, "stop_after_steps=4");
  EXPECT_EQ(refused->wait(), 2);
  const std::string err = refused->err();
  EXPECT_NE(err.find("recur: error: " + path("sudoku.h5") + ": is not the train data that " + checkpoint("run", 4) +
                     " was trained on"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("\"seed\":6"), std::string::npos) << err;  // the builder records say how they differ
  EXPECT_NE(err.find("\"seed\":5"), std::string::npos) << err;
  EXPECT_NE(err.find("resume_data_changed=allow"), std::string::npos) << err;
  EXPECT_EQ(complete_steps(path("run")).back(), 4);

  auto allowed = start_train("run", 1, "stop_after_steps=4 resume_data_changed=allow");
  ASSERT_EQ(allowed->wait(), 0) << allowed->err();
  EXPECT_EQ(complete_steps(path("run")).back(), 8);
  EXPECT_NE(read_whole_file(path("run/log.txt")).find("resume_data_changed=allow: " + path("sudoku.h5")),
            std::string::npos);
}

}  // namespace
}  // namespace recur::testing
