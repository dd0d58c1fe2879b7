// Communicator selection (see make_communicator.h).
#include "distributed/make_communicator.h"

#include <stdexcept>

#include "distributed/local_communicator.h"
#include "distributed/mpi_communicator.h"
#ifdef RECUR_HAVE_NCCL
#include "distributed/nccl_communicator.h"
#endif

namespace recur::distributed {

std::unique_ptr<Communicator> make_communicator(const MpiRuntime& runtime, const torch::Device& device,
                                                double watchdog_timeout_s) {
  if (!runtime.active() || runtime.info().world_size == 1) return std::make_unique<LocalCommunicator>();
#ifdef RECUR_HAVE_NCCL
  if (device.is_cuda()) {
    if (!device.has_index())
      throw std::invalid_argument("make_communicator: CUDA device without an index (use local_cuda_device)");
    return std::make_unique<NcclCommunicator>(device.index(), watchdog_timeout_s);
  }
#endif
  return std::make_unique<MpiCommunicator>(watchdog_timeout_s);
}

}  // namespace recur::distributed
