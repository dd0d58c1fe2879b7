// Communicator selection (see make_communicator.h).
#include "distributed/make_communicator.h"

#include <stdexcept>

#include "distributed/local_communicator.h"
#ifdef RECUR_HAVE_MPI
#include "distributed/mpi_communicator.h"
#endif
#ifdef RECUR_HAVE_NCCL
#include "distributed/nccl_communicator.h"
#endif

namespace recur::distributed {

std::unique_ptr<Communicator> make_communicator(const MpiRuntime& runtime, const torch::Device& device,
                                                double watchdog_timeout_s) {
  if (!runtime.active() || runtime.info().world_size == 1) return std::make_unique<LocalCommunicator>();
#ifdef RECUR_HAVE_MPI
  auto host = std::make_unique<MpiCommunicator>(watchdog_timeout_s);
#ifdef RECUR_HAVE_NCCL
  if (device.is_cuda()) {
    if (!device.has_index())
      throw std::invalid_argument("make_communicator: CUDA device without an index (use local_cuda_device)");
    Watchdog* watchdog = &host->watchdog();
    return std::make_unique<NcclCommunicator>(device.index(), std::move(host), watchdog);
  }
#endif
  return host;
#else
  (void)device;
  (void)watchdog_timeout_s;
  throw std::logic_error("make_communicator: an active MPI runtime in a build without MPI");
#endif
}

}  // namespace recur::distributed
