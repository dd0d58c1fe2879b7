// One process's place in a job: rank, MPI, device, threads, communicator.
//
// `recur train`, `recur eval` and `recur bench` all start the same way: read
// the launcher's rank variables, start MPI only when there are several ranks,
// pick this rank's device (the local rank's GPU, or the CPU), give torch its
// share of the cores, and open the communicator for that device. A single
// process gets the same objects with world size 1, so the train step has one
// code path.
#pragma once

#include <memory>

#include "common/libtorch.h"
#include "distributed/communicator.h"
#include "distributed/mpi_runtime.h"
#include "distributed/rank_info.h"
#include "trainer/config/config.h"

namespace recur::trainer {

struct Session {
  distributed::RankInfo info;
  std::unique_ptr<distributed::MpiRuntime> mpi;
  torch::Device device = torch::kCPU;
  int threads = 1;
  std::unique_ptr<distributed::Communicator> comm;

  int rank() const { return info.rank; }
  int world_size() const { return info.world_size; }
  bool is_rank0() const { return info.rank == 0; }
};

// `device` is the config's: "auto" (this rank's GPU when CUDA is usable, else
// CPU), "cpu" or "cuda". `watchdog_timeout_s` is the communicator's first
// timeout (the start-up one; the trainer shortens it after the first step).
Session start_session(const std::string& device, int64_t threads, double watchdog_timeout_s);

}  // namespace recur::trainer
