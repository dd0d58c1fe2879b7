// How many CPU threads torch uses per rank.
//
// Several ranks on one node share its cores, so by default each takes its
// share: the CPUs this process may run on, divided by the ranks on the node.
// When the launcher already pinned the process to a subset of the CPUs
// (Slurm --cpus-per-task, mpirun --bind-to core), that subset IS this rank's
// share and is used whole. The `threads` config key overrides the default.
#pragma once

#include <cstdint>

namespace recur::trainer {

struct CpuCounts {
  int usable;  // CPUs in this process's affinity mask
  int online;  // CPUs online on the node
};

CpuCounts cpu_counts();

// The default described above; at least 1.
int default_thread_count(const CpuCounts& cpus, int local_world_size);

// Sets torch's intra-op threads to `threads` (0 = default_thread_count) and,
// on the first call, its inter-op threads to 1. Call before any torch work.
// Returns the intra-op thread count now in effect.
int configure_threads(int64_t threads, int local_world_size);

}  // namespace recur::trainer
