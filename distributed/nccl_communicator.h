// Collectives between GPUs with NCCL, one communicator per process.
//
// Start-up: rank 0 draws the NCCL unique id and sends it through the host
// communicator (MPI_Bcast); every rank then joins with ncclCommInitRank on its own GPU. Each collective runs on the
// communicator's own CUDA stream: an event recorded on the compute stream (LibTorch's
// current stream) makes the NCCL stream wait for the tensor to be ready, and the
// call returns once the collective's completion event has fired, so the result can be
// used on any stream and the caching allocator can never recycle memory that NCCL
// still reads. Several NCCL calls that belong together (all_gatherv) form one group.
//
// Failure handling: the MPI communicator's watchdog (watchdog.h) watches every call;
// it also polls ncclCommGetAsyncError, and on a timeout or an NCCL error it calls
// ncclCommAbort before MPI_Abort. CPU tensors, barrier and agree_any go through the
// host communicator. One rank needs neither MPI nor a watchdog (nothing to wait for):
// over a LocalCommunicator the same NCCL calls run, as the GPU checks do.
//
// Compiles against the CUDA runtime and NCCL headers only; with a CPU-only LibTorch
// no CUDA tensor exists, so make_communicator never selects it.
#pragma once

#include <memory>

#include "distributed/communicator.h"

namespace recur::distributed {

struct NcclEngine;  // NCCL communicator, CUDA stream and events (nccl_communicator.cpp)
class Watchdog;     // watchdog.h (builds with MPI)

class NcclCommunicator final : public Communicator {
 public:
  // `device_index` is this rank's GPU (local_cuda_device). `host` spans the same ranks
  // on the CPU: an MpiCommunicator (whose watchdog is `watchdog`), or a
  // LocalCommunicator for one rank (`watchdog` null). Collective: every rank
  // constructs its communicator together.
  NcclCommunicator(int device_index, std::unique_ptr<Communicator> host, Watchdog* watchdog);
  ~NcclCommunicator() override;
  NcclCommunicator(const NcclCommunicator&) = delete;
  NcclCommunicator& operator=(const NcclCommunicator&) = delete;

  int rank() const override { return host_->rank(); }
  int world_size() const override { return host_->world_size(); }
  std::string backend() const override { return "nccl"; }

  void all_reduce_sum(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gather(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gatherv(const torch::Tensor& t, std::string_view name) override;
  void broadcast(const torch::Tensor& t, int root, std::string_view name) override;
  void barrier(std::string_view name) override { host_->barrier(name); }
  bool agree_any(bool flag, std::string_view name) override { return host_->agree_any(flag, name); }
  void set_watchdog_timeout(double seconds) override { host_->set_watchdog_timeout(seconds); }

 private:
  void check_device(const torch::Tensor& t, std::string_view name) const;

  std::unique_ptr<Communicator> host_;  // bootstrap, host values, CPU tensors
  Watchdog* watchdog_;                  // the host's, or null (one rank)
  std::unique_ptr<NcclEngine> engine_;
};

}  // namespace recur::distributed
