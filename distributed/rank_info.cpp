// Rank discovery from launcher environment variables (see rank_info.h).
#include "distributed/rank_info.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "common/error.h"

namespace recur::distributed {
namespace {

// Parses an integer environment variable; -1 when unset.
int env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return -1;
  char* end = nullptr;
  long x = std::strtol(v, &end, 10);
  if (*end != '\0' || x < 0 || x > (1 << 24))
    throw InputError(name, std::string("expected a non-negative integer, got '") + v + "'");
  return static_cast<int>(x);
}

// Slurm gives the per-node task count as e.g. "4(x2),3": take the first entry,
// which is right for the usual homogeneous allocation.
int slurm_tasks_per_node() {
  const char* v = std::getenv("SLURM_TASKS_PER_NODE");
  if (!v || !*v) return -1;
  return std::atoi(v);
}

}  // namespace

RankInfo rank_info_from_env() {
  RankInfo info;
  if (env_int("OMPI_COMM_WORLD_SIZE") > 0) {
    info.launcher = "openmpi";
    info.rank = env_int("OMPI_COMM_WORLD_RANK");
    info.world_size = env_int("OMPI_COMM_WORLD_SIZE");
    info.local_rank = std::max(0, env_int("OMPI_COMM_WORLD_LOCAL_RANK"));
    info.local_world_size = std::max(1, env_int("OMPI_COMM_WORLD_LOCAL_SIZE"));
  } else if (env_int("SLURM_NTASKS") > 0 && env_int("SLURM_PROCID") >= 0 && std::getenv("SLURM_STEP_ID")) {
    // Only inside a job step (srun): a batch script's shell also has SLURM_NTASKS.
    info.launcher = "slurm";
    info.rank = env_int("SLURM_PROCID");
    info.world_size = env_int("SLURM_NTASKS");
    info.local_rank = std::max(0, env_int("SLURM_LOCALID"));
    int per_node = slurm_tasks_per_node();
    info.local_world_size = per_node > 0 ? per_node : 1;
  }
  if (info.rank < 0 || info.rank >= info.world_size)
    throw InputError(info.launcher, "rank " + std::to_string(info.rank) + " outside world size " +
                                        std::to_string(info.world_size));
  return info;
}

int local_cuda_device(const RankInfo& info, int visible_devices) {
  if (visible_devices < 1) throw InputError("device", "cuda requested but no CUDA device is visible");
  if (visible_devices == 1) return 0;
  if (info.local_rank >= visible_devices)
    throw InputError("device", "local rank " + std::to_string(info.local_rank) + " but only " +
                                   std::to_string(visible_devices) +
                                   " GPUs visible: launch at most one rank per GPU on each node");
  return info.local_rank;
}

}  // namespace recur::distributed
