// One rank of a job that runs collectives in a loop, for failure_test.cpp, which
// kills, stops or delays one rank and checks what the others do.
//
// usage: distributed_watchdog_victim TIMEOUT_S STEPS [BUSY_RANK BUSY_AT_STEP]
// Prints "victim rank R pid P" at start, "victim rank R running" after 20 steps and
// "victim rank R done" at the end. BUSY_RANK sleeps 60 s at step BUSY_AT_STEP, outside
// any collective, like a rank stuck in a long computation.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "distributed/mpi_communicator.h"
#include "distributed/mpi_runtime.h"

int main(int argc, char** argv) {
  using namespace recur::distributed;
  if (argc != 3 && argc != 5) {
    std::fprintf(stderr, "usage: %s TIMEOUT_S STEPS [BUSY_RANK BUSY_AT_STEP]\n", argv[0]);
    return 2;
  }
  const double timeout = std::atof(argv[1]);
  const int steps = std::atoi(argv[2]);
  const int busy_rank = argc == 5 ? std::atoi(argv[3]) : -1;
  const int busy_at = argc == 5 ? std::atoi(argv[4]) : -1;
  torch::set_num_threads(1);

  MpiRuntime runtime(rank_info_from_env());
  MpiCommunicator comm(/*watchdog_timeout_s=*/30);  // start-up may be slow: long first timeout
  const int rank = comm.rank();
  std::printf("victim rank %d pid %d\n", rank, static_cast<int>(getpid()));
  std::fflush(stdout);

  auto grads = torch::ones({1000});
  for (int step = 1; step <= steps; ++step) {
    grads.fill_(1);
    comm.all_reduce_sum(grads, "grads");
    if (step == 1) comm.set_watchdog_timeout(timeout);
    if (step % 10 == 0 && comm.agree_any(false, "stop")) break;
    if (step == 20) {
      std::printf("victim rank %d running\n", rank);
      std::fflush(stdout);
    }
    if (rank == busy_rank && step == busy_at) std::this_thread::sleep_for(std::chrono::seconds(60));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the "computation"
  }
  std::printf("victim rank %d done\n", rank);
  std::fflush(stdout);
  return 0;
}
