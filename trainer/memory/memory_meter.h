// How many bytes of tensor memory a process holds now, and at most since the last reset.
//
// CPU: torch has no allocator statistics, so recur installs a thin counting wrapper
// around the CPU allocator (c10::SetCPUAllocator) that adds and subtracts every
// allocation's size; memory allocated before the meter was installed is not counted.
// CUDA: the caching allocator's own statistics (bytes handed out to tensors, not the
// cached reserve). The trainer logs peak_mem_mb from it; tests use it to show that
// activation memory does not grow with the recursion depth.
#pragma once

#include <cstdint>

#include "common/libtorch.h"

namespace recur::trainer {

// Installs the CPU counting allocator (once per process; later calls do nothing).
void install_cpu_memory_meter();

struct MemoryStats {
  int64_t current_bytes = 0;
  int64_t peak_bytes = 0;
};

// For the CPU, counts only memory allocated after install_cpu_memory_meter().
MemoryStats memory_stats(const torch::Device& device);
// Sets the peak to the current value.
void reset_peak_memory(const torch::Device& device);

}  // namespace recur::trainer
