// A CPU allocator that keeps large freed blocks for reuse, as CUDA's caching
// allocator does on the GPU.
//
// Why: a training step allocates the same large tensors (activations, gate|up
// outputs, attention scores) every time, and glibc serves blocks above 32 MiB with
// a fresh mmap, returned to the kernel on free. Every such tensor then starts with
// one page fault per 4 KiB page, the kernel zeroing each page: measured here
// (2-core EPYC VM) at ~2 us a page, which made an out-of-place multiply on 215 MB
// 10x slower than the in-place one and halved the rate of the 67 MB mlp_t GEMM.
// Reusing freed blocks of the same size removes all of that after the first step.
//
// Policy: blocks of at least 1 MiB are rounded up to whole 64 KiB and cached by
// size; a request takes an idle block of exactly its rounded size, else allocates a
// new one. When the idle blocks exceed the limit, the cache frees them all before
// allocating (shapes changed: evaluation, another batch size), so idle memory is
// bounded by the limit. Smaller blocks go straight to the default allocator (glibc
// reuses those well). Thread-safe. Installed once per process by start_session,
// before the memory meter, so that the meter counts tensor bytes, not cached ones.
#pragma once

#include <cstdint>

namespace recur::trainer {

// Makes the caching allocator torch's CPU allocator (once per process; later calls
// do nothing). Call before install_cpu_memory_meter().
void install_caching_cpu_allocator();

struct CpuCacheStats {
  int64_t cached_bytes = 0;  // idle blocks held for reuse
  int64_t hits = 0;          // requests served from the cache
  int64_t misses = 0;        // cacheable requests that needed a new block
};

// Statistics of the installed cache (zeros when it is not installed).
CpuCacheStats cpu_cache_stats();

}  // namespace recur::trainer
