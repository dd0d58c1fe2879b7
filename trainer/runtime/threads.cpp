// Torch thread setup per rank (see header).
#include "trainer/runtime/threads.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include <ATen/Parallel.h>

namespace recur::trainer {

CpuCounts cpu_counts() {
  const int online = std::max(1, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
  cpu_set_t mask;
  const int usable = sched_getaffinity(0, sizeof(mask), &mask) == 0 ? CPU_COUNT(&mask) : online;
  return CpuCounts{std::max(1, usable), online};
}

int default_thread_count(const CpuCounts& cpus, int local_world_size) {
  const bool pinned_by_launcher = cpus.usable < cpus.online;
  if (pinned_by_launcher) return cpus.usable;
  return std::max(1, cpus.usable / std::max(1, local_world_size));
}

int configure_threads(int64_t threads, int local_world_size) {
  const int count =
      threads > 0 ? static_cast<int>(threads) : default_thread_count(cpu_counts(), local_world_size);
  at::set_num_threads(count);
  // recur runs no inter-op parallel work (no TorchScript fork), so a larger
  // inter-op pool would only hold idle threads. Torch allows setting it once.
  static std::once_flag interop_once;
  std::call_once(interop_once, [] { at::set_num_interop_threads(1); });
  return at::get_num_threads();
}

}  // namespace recur::trainer
