// MPI's lifetime in the process: started once at the top of main, finalised at exit.
//
// MPI starts only when the launcher started several ranks (rank_info.h): a plain
// `recur train` never touches MPI, so it needs no launcher and pays no singleton
// start-up. The thread level is MPI_THREAD_MULTIPLE because each communicator's
// watchdog thread talks to its peers while the main thread waits inside a blocking
// collective (watchdog.h). Create communicators after the runtime and destroy them
// before it (their threads must stop before MPI_Finalize). A recur built without
// MPI (RECUR_WITH_MPI) has a runtime that is never active: it refuses several ranks.
#pragma once

#include "distributed/rank_info.h"

namespace recur::distributed {

enum class MpiStart {
  kIfSeveralRanks,  // the normal rule: world size > 1
  kAlways,          // also for one rank (tests of the MPI/NCCL engines with -np 1)
};

class MpiRuntime {
 public:
  // Starts MPI per `start`; throws std::runtime_error when MPI's world disagrees with
  // the launcher's variables (e.g. srun without the PMI plugin this MPI needs: every
  // task would be a world of one and train alone), or, without MPI, when MPI is needed.
  explicit MpiRuntime(const RankInfo& info, MpiStart start = MpiStart::kIfSeveralRanks);
  ~MpiRuntime();  // MPI_Finalize when this object started MPI
  MpiRuntime(const MpiRuntime&) = delete;
  MpiRuntime& operator=(const MpiRuntime&) = delete;

  bool active() const { return active_; }
  const RankInfo& info() const { return info_; }

  // Ends the whole job now with `exit_code` (MPI_Abort); for an error on this rank
  // alone, so the peers do not wait for their watchdog. Without MPI: std::_Exit.
  [[noreturn]] void abort_job(int exit_code) const;

 private:
  RankInfo info_;
  bool active_ = false;
};

}  // namespace recur::distributed
