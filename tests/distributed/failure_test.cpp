// A rank that dies or hangs must not leave the others hanging: each test launches a
// 2-rank job of watchdog_victim under mpirun, kills, stops or delays one rank, and
// checks that the job ends non-zero within the timeout with a line naming that rank.
//
// usage: distributed_failure_tests MPIEXEC VICTIM [gtest flags]
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace {

std::string g_mpiexec;
std::string g_victim;
constexpr double kWatchdogTimeout = 3;  // seconds, passed to the victim
constexpr double kMargin = 15;          // seconds on top, for start-up and a loaded machine

using Clock = std::chrono::steady_clock;

// A child process (mpirun) whose stdout and stderr are collected.
class Job {
 public:
  explicit Job(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      dup2(fds[1], 1);
      dup2(fds[1], 2);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    close(fds[1]);
    fd_ = fds[0];
    fcntl(fd_, F_SETFL, O_NONBLOCK);
  }

  ~Job() {
    if (!exited_) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    for (const auto& [rank, pid] : rank_pids_) {  // a stopped rank may outlive mpirun
      kill(pid, SIGCONT);
      kill(pid, SIGKILL);
    }
    close(fd_);
  }

  // Reads output until `pattern` matches it or `seconds` pass.
  bool wait_for(const std::regex& pattern, double seconds) {
    auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while (!std::regex_search(out_, pattern)) {
      if (Clock::now() > deadline || exited_) return std::regex_search(out_, pattern);
      pump(50);
      reap();
    }
    return true;
  }

  // The exit status (128 + signal when killed), or nothing if still running after `seconds`.
  std::optional<int> wait_exit(double seconds) {
    auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while (!exited_ && Clock::now() < deadline) {
      pump(50);
      reap();
    }
    if (exited_) pump(0);
    return exited_ ? std::optional<int>(status_) : std::nullopt;
  }

  // The pid of each victim rank, from its "victim rank R pid P" line.
  pid_t rank_pid(int rank) {
    static const std::regex line("victim rank (\\d+) pid (\\d+)");
    for (auto it = std::sregex_iterator(out_.begin(), out_.end(), line); it != std::sregex_iterator(); ++it)
      rank_pids_[std::stoi((*it)[1])] = static_cast<pid_t>(std::stol((*it)[2]));
    return rank_pids_.count(rank) ? rank_pids_[rank] : -1;
  }

  const std::string& output() const { return out_; }

 private:
  void pump(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd_, buf, sizeof buf)) > 0) out_.append(buf, static_cast<size_t>(n));
  }
  void reap() {
    int status = 0;
    if (exited_ || waitpid(pid_, &status, WNOHANG) != pid_) return;
    exited_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string out_;
  bool exited_ = false;
  int status_ = 0;
  std::map<int, pid_t> rank_pids_;
};

std::vector<std::string> victim_job(int steps, std::vector<std::string> extra_mpirun = {},
                                    std::vector<std::string> extra_victim = {}) {
  std::vector<std::string> args = {g_mpiexec, "-np", "2", "--allow-run-as-root", "--oversubscribe"};
  args.insert(args.end(), extra_mpirun.begin(), extra_mpirun.end());
  args.push_back(g_victim);
  args.push_back(std::to_string(kWatchdogTimeout));
  args.push_back(std::to_string(steps));
  args.insert(args.end(), extra_victim.begin(), extra_victim.end());
  return args;
}

// Starts a long job and waits until both ranks are in their loop.
void start_running(Job& job) {
  ASSERT_TRUE(job.wait_for(std::regex("victim rank 0 running[\\s\\S]*victim rank 1 running|"
                                      "victim rank 1 running[\\s\\S]*victim rank 0 running"),
                           60))
      << job.output();
  ASSERT_GT(job.rank_pid(0), 0);
  ASSERT_GT(job.rank_pid(1), 0);
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

TEST(Failure, HealthyJobRunsToTheEndAndExitsZero) {
  Job job(victim_job(200));
  auto status = job.wait_exit(60);
  ASSERT_TRUE(status.has_value()) << job.output();
  EXPECT_EQ(*status, 0) << job.output();
  EXPECT_TRUE(std::regex_search(job.output(), std::regex("victim rank 0 done"))) << job.output();
  EXPECT_TRUE(std::regex_search(job.output(), std::regex("victim rank 1 done"))) << job.output();
}

// Open MPI's mpirun notices the dead rank and ends the job itself, naming it.
TEST(Failure, KilledPeerEndsTheJobNamingTheDeadRank) {
  Job job(victim_job(1000000));
  start_running(job);
  auto killed = Clock::now();
  kill(job.rank_pid(1), SIGKILL);
  auto status = job.wait_exit(kWatchdogTimeout + kMargin);
  ASSERT_TRUE(status.has_value()) << "job still running " << seconds_since(killed) << " s after the kill\n"
                                  << job.output();
  EXPECT_NE(*status, 0) << job.output();
  EXPECT_TRUE(std::regex_search(job.output(), std::regex("rank 1 with PID \\d+ on node \\S+ exited on signal 9|"
                                                         "watchdog: .* rank 1 on \\S+ \\(no reply")))
      << job.output();
}

// When the launcher keeps the survivor alive (mpirun --enable-recovery here; srun
// without --kill-on-bad-exit behaves alike), the survivor's watchdog ends the job.
// In this mode mpirun itself exits 0, so a shell around each rank reports its status.
TEST(Failure, KilledPeerIsNamedByTheSurvivorsWatchdog) {
  std::string rank_with_status = g_victim + " " + std::to_string(kWatchdogTimeout) +
                                 " 1000000; echo \"victim rank $OMPI_COMM_WORLD_RANK exited with status $?\"";
  Job job({g_mpiexec, "-np", "2", "--allow-run-as-root", "--oversubscribe", "--enable-recovery", "sh", "-c",
           rank_with_status});
  start_running(job);
  auto killed = Clock::now();
  kill(job.rank_pid(1), SIGKILL);
  ASSERT_TRUE(job.wait_for(std::regex("victim rank 0 exited with status \\d+"), kWatchdogTimeout + kMargin))
      << "survivor still running " << seconds_since(killed) << " s after the kill\n"
      << job.output();
  EXPECT_FALSE(std::regex_search(job.output(), std::regex("victim rank 0 exited with status 0"))) << job.output();
  EXPECT_TRUE(std::regex_search(job.output(),
                                std::regex("recur: rank 0 on \\S+: watchdog: \\w+ '\\w+' \\(collective #\\d+\\) not complete "
                                           "after [0-9.]+ s; not arrived: rank 1 on \\S+ \\(no reply: stopped, dead or "
                                           "unreachable\\); aborting the job")))
      << job.output();
  EXPECT_TRUE(job.wait_exit(kMargin).has_value()) << job.output();
}

TEST(Failure, StoppedPeerIsNamedByTheSurvivorsWatchdog) {
  Job job(victim_job(1000000));
  start_running(job);
  auto stopped = Clock::now();
  kill(job.rank_pid(1), SIGSTOP);
  auto status = job.wait_exit(kWatchdogTimeout + kMargin);
  ASSERT_TRUE(status.has_value()) << "job still running " << seconds_since(stopped) << " s after the stop\n"
                                  << job.output();
  EXPECT_NE(*status, 0) << job.output();
  EXPECT_TRUE(std::regex_search(job.output(),
                                std::regex("recur: rank 0 on \\S+: watchdog: \\w+ '\\w+' \\(collective #\\d+\\) not complete "
                                           "after [0-9.]+ s; not arrived: rank 1 on \\S+ \\(no reply: stopped, dead or "
                                           "unreachable\\); aborting the job")))
      << job.output();
  // The Job destructor sends SIGCONT + SIGKILL to the stopped rank if mpirun left it.
}

// A live rank stuck outside collectives answers the survivor's question: the line says
// it is busy, not dead.
TEST(Failure, BusyPeerIsNamedAsBusy) {
  Job job(victim_job(1000000, {}, {"0", "30"}));  // rank 0 sleeps at step 30
  auto status = job.wait_exit(kWatchdogTimeout + kMargin + 10);
  ASSERT_TRUE(status.has_value()) << job.output();
  EXPECT_NE(*status, 0) << job.output();
  EXPECT_TRUE(std::regex_search(job.output(),
                                std::regex("recur: rank 1 on \\S+: watchdog: all_reduce 'grads' \\(collective #\\d+\\) not "
                                           "complete after [0-9.]+ s; not arrived: rank 0 on \\S+ \\(busy outside "
                                           "collectives for [0-9.]+ s since #\\d+ \\w+ '\\w+'\\)")))
      << job.output();
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MPIEXEC VICTIM [gtest flags]\n", argv[0]);
    return 2;
  }
  g_mpiexec = argv[1];
  g_victim = argv[2];
  return RUN_ALL_TESTS();
}
