// A 2-rank `recur train` that loses a rank mid-training ends, non-zero, with
// a line naming the failed rank: a killed rank is reported by mpirun, a
// stopped (hung) one by the survivor's watchdog after watchdog_timeout_s.
#include <fstream>
#include <regex>

#include "training_runs.h"

namespace recur::testing {
namespace {

constexpr double kWatchdogTimeout = 5;

// The pid of rank `rank` among mpirun's children (their environment names it).
pid_t rank_pid(pid_t mpirun, int rank) {
  const std::string wanted = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state, ppid;
    stat >> pid >> comm >> state >> ppid;  // comm has no spaces: "(recur)"
    if (ppid != std::to_string(mpirun)) continue;
    std::ifstream environ(entry.path() / "environ");
    for (std::string var; std::getline(environ, var, '\0');)
      if (var == wanted) return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

class RankFailure : public TrainingRunTest {
 protected:
  // A 2-rank run at step 5 or later; returns the launched job.
  std::unique_ptr<Child> running_job() {
    make_sudoku_data();
    auto job = start_train("run", 2, "checkpoint_interval=0 watchdog_timeout_s=" + std::to_string(kWatchdogTimeout));
    EXPECT_TRUE(wait_until([&] { return last_logged_step(path("run/metrics.jsonl")) >= 5; })) << job->err();
    return job;
  }

  // Waits for the job's end: true when it ended within `seconds`.
  static bool ends_within(Child& job, double seconds) {
    return wait_until([&] { return !job.running(); }, seconds);
  }
};

TEST_F(RankFailure, KilledRankEndsTheJobNamingIt) {
  RECUR_SKIP_WITHOUT_MPI();
  auto job = running_job();
  const pid_t victim = rank_pid(job->pid(), 1);
  ASSERT_GT(victim, 0);
  kill(victim, SIGKILL);
  ASSERT_TRUE(ends_within(*job, kWatchdogTimeout + 20)) << job->err();
  EXPECT_NE(job->wait(), 0);
  EXPECT_TRUE(std::regex_search(job->err() + job->out(),
                                std::regex("rank 1 with PID \\d+ on node \\S+ exited on signal 9|"
                                           "not arrived: rank 1 on \\S+ \\(no reply")))
      << job->err();
}

TEST_F(RankFailure, HungRankIsNamedByTheWatchdogWithinItsTimeout) {
  RECUR_SKIP_WITHOUT_MPI();
  auto job = running_job();
  const pid_t victim = rank_pid(job->pid(), 1);
  ASSERT_GT(victim, 0);
  kill(victim, SIGSTOP);
  const bool ended = ends_within(*job, kWatchdogTimeout + 20);
  kill(victim, SIGCONT);  // lets a rank that mpirun could not kill while stopped die
  ASSERT_TRUE(ended) << job->err();
  EXPECT_NE(job->wait(), 0);
  EXPECT_TRUE(std::regex_search(job->err(), std::regex("recur: rank 0 on \\S+: watchdog: .* not complete after [0-9.]+ s; "
                                                       "not arrived: rank 1 on \\S+ \\(no reply: stopped, dead or "
                                                       "unreachable\\); aborting the job")))
      << job->err();
}

}  // namespace
}  // namespace recur::testing
