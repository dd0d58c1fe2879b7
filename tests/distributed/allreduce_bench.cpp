// Time of one all-reduce of a 7M-float buffer (TRM's gradient size), raw
// MPI_Allreduce against MpiCommunicator::all_reduce_sum (argument checks + watchdog
// scope), interleaved so both see the same machine load. Not a test: run it with
//   mpirun -np 2 --oversubscribe build/tests/distributed/distributed_allreduce_bench [ROUNDS]
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "distributed/mpi_communicator.h"
#include "distributed/mpi_runtime.h"

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double time_ms(F&& f) {
  MPI_Barrier(MPI_COMM_WORLD);
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace recur::distributed;
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 50;
  torch::set_num_threads(1);
  MpiRuntime runtime(rank_info_from_env(), MpiStart::kAlways);
  {
    MpiCommunicator comm(60);
    for (int64_t n : {int64_t(7'000'000), int64_t(1)}) {
      auto buffer = torch::ones({n});
      std::vector<double> raw, watched;
      for (int i = 0; i < rounds; ++i) {
        raw.push_back(time_ms([&] {
          MPI_Allreduce(MPI_IN_PLACE, buffer.data_ptr(), static_cast<int>(n), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        }));
        watched.push_back(time_ms([&] { comm.all_reduce_sum(buffer, "grads"); }));
      }
      if (comm.rank() == 0)
        std::printf("%d ranks, %lld floats, median of %d: raw MPI_Allreduce %.1f us, "
                    "MpiCommunicator (watched) %.1f us\n",
                    comm.world_size(), static_cast<long long>(n), rounds, 1e3 * median(raw), 1e3 * median(watched));
    }
  }
  return 0;
}
