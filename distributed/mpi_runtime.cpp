// MPI start-up and shutdown (see mpi_runtime.h).
#include "distributed/mpi_runtime.h"

#ifdef RECUR_HAVE_MPI
#include <mpi.h>
#endif

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace recur::distributed {

#ifdef RECUR_HAVE_MPI

MpiRuntime::MpiRuntime(const RankInfo& info, MpiStart start) : info_(info) {
  if (info.world_size == 1 && start == MpiStart::kIfSeveralRanks) return;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) throw std::logic_error("MpiRuntime: MPI is already initialised (one runtime per process)");
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided);
  active_ = true;
  if (provided < MPI_THREAD_MULTIPLE) {
    MPI_Finalize();
    active_ = false;
    throw std::runtime_error(
        "the MPI library does not provide MPI_THREAD_MULTIPLE, which the collective watchdog needs");
  }
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != info.world_size || (info.launcher != "single" && rank != info.rank)) {
    std::string launcher_view = std::to_string(info.rank) + " of " + std::to_string(info.world_size);
    MPI_Finalize();
    active_ = false;
    throw std::runtime_error("MPI sees rank " + std::to_string(rank) + " of " + std::to_string(size) +
                             " but the launcher (" + info.launcher + ") says " + launcher_view +
                             ": is the program launched by the MPI it was built with "
                             "(for srun: --mpi=pmix)?");
  }
  info_.rank = rank;
}

MpiRuntime::~MpiRuntime() {
  if (active_) MPI_Finalize();
}

void MpiRuntime::abort_job(int exit_code) const {
  if (active_) MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);
}

#else  // built without MPI: one rank only

MpiRuntime::MpiRuntime(const RankInfo& info, MpiStart start) : info_(info) {
  if (info.world_size == 1 && start == MpiStart::kIfSeveralRanks) return;
  throw std::runtime_error("this recur is built without MPI (RECUR_WITH_MPI), so it runs one rank, but the launcher (" +
                           info.launcher + ") started " + std::to_string(info.world_size) +
                           ": rebuild with MPI for jobs of several ranks");
}

MpiRuntime::~MpiRuntime() = default;

void MpiRuntime::abort_job(int exit_code) const { std::_Exit(exit_code); }

#endif

}  // namespace recur::distributed
