// Picks the communicator for this process from the world size and the device.
//
//   one rank (no launcher, or MPI not started)  -> LocalCommunicator
//   CUDA device, built with NCCL                -> NcclCommunicator on that GPU
//   CUDA device, built without NCCL             -> MpiCommunicator (host copies)
//   CPU                                         -> MpiCommunicator
#pragma once

#include <memory>

#include "common/libtorch.h"
#include "distributed/communicator.h"
#include "distributed/mpi_runtime.h"

namespace recur::distributed {

// `device` carries the GPU index for CUDA (local_cuda_device in rank_info.h).
// Collective when MPI is active: every rank calls it together.
std::unique_ptr<Communicator> make_communicator(const MpiRuntime& runtime, const torch::Device& device,
                                                double watchdog_timeout_s);

}  // namespace recur::distributed
