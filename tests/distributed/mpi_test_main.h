// Shared by the GoogleTest programs that run under mpirun: the world communicator.
#pragma once

#include "distributed/mpi_communicator.h"
#include "distributed/mpi_runtime.h"

namespace recur::distributed::mpi_test {

// The test program's MPI communicator over all ranks (created in main).
MpiCommunicator& world();
// The program's MPI runtime (started for any world size).
const MpiRuntime& runtime();

}  // namespace recur::distributed::mpi_test
