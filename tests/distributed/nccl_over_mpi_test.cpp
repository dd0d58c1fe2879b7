// NCCL over MPI (distributed_nccl_tests under mpirun): the program's communicator,
// and the factory's choice for CUDA with several ranks.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "distributed/make_communicator.h"
#include "distributed/rank_info.h"
#include "tests/distributed/mpi_test_main.h"
#include "tests/distributed/nccl_test_communicator.h"

namespace recur::distributed {

std::unique_ptr<NcclCommunicator> make_nccl_test_communicator(int device) {
  auto host = std::make_unique<MpiCommunicator>(/*watchdog_timeout_s=*/60);
  Watchdog* watchdog = &host->watchdog();
  return std::make_unique<NcclCommunicator>(device, std::move(host), watchdog);
}

namespace {

TEST(NcclOverMpi, FactoryPicksNcclForCudaWithSeveralRanks) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device usable by LibTorch";
  const int device = local_cuda_device(rank_info_from_env(), static_cast<int>(torch::cuda::device_count()));
  auto picked = make_communicator(mpi_test::runtime(), torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device)), 60);
  EXPECT_EQ(picked->backend(), mpi_test::world().world_size() > 1 ? "nccl" : "local");
}

}  // namespace
}  // namespace recur::distributed
