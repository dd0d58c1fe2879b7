// The NCCL checks of tests/distributed/nccl_communicator_test.cpp on one rank
// without MPI: the communicator's host is a LocalCommunicator and no watchdog runs
// (one rank has nobody to wait for), the NCCL calls are the ones a job of several
// ranks makes.
#include "distributed/local_communicator.h"
#include "tests/distributed/nccl_test_communicator.h"

namespace recur::distributed {

std::unique_ptr<NcclCommunicator> make_nccl_test_communicator(int device) {
  return std::make_unique<NcclCommunicator>(device, std::make_unique<LocalCommunicator>(), nullptr);
}

}  // namespace recur::distributed
