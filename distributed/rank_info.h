// Who am I in the job: rank, world size, local rank (which GPU), and who told us.
//
// Read from the launcher's environment before MPI starts, so the device can be
// chosen first: Open MPI (mpirun) sets OMPI_COMM_WORLD_*, Slurm (srun) sets
// SLURM_PROCID/LOCALID/NTASKS; with neither, this is a plain single process.
#pragma once

#include <string>

namespace recur::distributed {

struct RankInfo {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;        // index among the ranks on this node: picks the GPU
  int local_world_size = 1;  // ranks on this node: divides the CPU cores
  std::string launcher = "single";  // "openmpi", "slurm" or "single"
};

// Reads the launcher variables; a malformed or inconsistent value is an InputError
// naming the variable.
RankInfo rank_info_from_env();

// The GPU of this rank among `visible_devices` GPUs: the local rank, or 0 when each
// rank sees a single GPU (Slurm's --gpus-per-task binds one device per task). More
// local ranks than GPUs is an InputError: NCCL cannot put two ranks on one GPU.
int local_cuda_device(const RankInfo& info, int visible_devices);

}  // namespace recur::distributed
