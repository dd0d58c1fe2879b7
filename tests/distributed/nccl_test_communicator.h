// The NCCL communicator of a test program, made the program's way: over MPI
// (nccl_over_mpi_test.cpp, distributed_nccl_tests under mpirun) or over one rank
// without MPI (tests/gpu/nccl_one_rank.cpp, gpu_tests).
#pragma once

#include <memory>

#include "distributed/nccl_communicator.h"

namespace recur::distributed {

std::unique_ptr<NcclCommunicator> make_nccl_test_communicator(int device);

}  // namespace recur::distributed
