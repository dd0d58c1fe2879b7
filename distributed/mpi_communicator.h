// Collectives between CPU processes with MPI's blocking collectives.
//
// Blocking calls use Open MPI's tuned algorithms (the fastest here); the watchdog
// thread (watchdog.h) watches them. MPI reads and writes host memory, so a CUDA or
// non-contiguous tensor goes through a contiguous CPU copy (used for CUDA only when
// NCCL is not built). Errors inside MPI abort the job (MPI_ERRORS_ARE_FATAL).
#pragma once

#include <mpi.h>

#include "distributed/communicator.h"
#include "distributed/watchdog.h"

namespace recur::distributed {

class MpiCommunicator final : public Communicator {
 public:
  // Needs an active MpiRuntime. Collective: every rank constructs its communicator.
  explicit MpiCommunicator(double watchdog_timeout_s);
  ~MpiCommunicator() override;
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  int rank() const override { return rank_; }
  int world_size() const override { return size_; }
  std::string backend() const override { return "mpi"; }

  void all_reduce_sum(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gather(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gatherv(const torch::Tensor& t, std::string_view name) override;
  void broadcast(const torch::Tensor& t, int root, std::string_view name) override;
  void barrier(std::string_view name) override;
  bool agree_any(bool flag, std::string_view name) override;
  void set_watchdog_timeout(double seconds) override { watchdog_.set_timeout(seconds); }

  // The NCCL communicator watches its GPU collectives with the same watchdog, so one
  // sequence numbers every collective of the process.
  Watchdog& watchdog() { return watchdog_; }

 private:
  MPI_Comm comm_;  // private duplicate of MPI_COMM_WORLD
  int rank_ = 0;
  int size_ = 1;
  Watchdog watchdog_;
};

}  // namespace recur::distributed
