// The caching CPU allocator reuses large freed blocks of the same rounded
// size and leaves small ones to the default allocator.
#include "trainer/memory/caching_cpu_allocator.h"
#include "common/libtorch.h"
#include "trainer/memory/memory_meter.h"

#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>

namespace recur::trainer {
namespace {

TEST(CachingCpuAllocator, ReusesAFreedLargeBlockOfTheSameSize) {
  install_caching_cpu_allocator();
  install_caching_cpu_allocator();  // idempotent
  const int64_t floats = 3 * 1024 * 1024 / 4 + 7;  // 3 MiB and a bit: rounded up to 64 KiB granules
  void* first_data = nullptr;
  {
    torch::Tensor t = torch::empty({floats});
    first_data = t.data_ptr();
  }
  const CpuCacheStats after_free = cpu_cache_stats();
  EXPECT_GE(after_free.cached_bytes, floats * 4);

  torch::Tensor again = torch::empty({floats});
  const CpuCacheStats after_reuse = cpu_cache_stats();
  EXPECT_EQ(again.data_ptr(), first_data);
  EXPECT_EQ(after_reuse.hits, after_free.hits + 1);
  EXPECT_EQ(after_reuse.misses, after_free.misses);
  EXPECT_EQ(after_reuse.cached_bytes, after_free.cached_bytes - (floats * 4 + 65535) / 65536 * 65536);

  // A block of another rounded size is a miss; the idle one stays cached.
  torch::Tensor other = torch::empty({floats * 2});
  EXPECT_EQ(cpu_cache_stats().misses, after_reuse.misses + 1);
}

TEST(CachingCpuAllocator, SmallBlocksBypassTheCache) {
  install_caching_cpu_allocator();
  const CpuCacheStats before = cpu_cache_stats();
  { torch::Tensor small = torch::ones({1000}); }
  torch::Tensor small_again = torch::ones({1000});
  const CpuCacheStats after = cpu_cache_stats();
  EXPECT_EQ(after.hits, before.hits);
  EXPECT_EQ(after.misses, before.misses);
  EXPECT_EQ(after.cached_bytes, before.cached_bytes);
  EXPECT_EQ(small_again.sum().item<float>(), 1000.0f);
}

// raw_allocate (oneDNN's scratch memory in bf16 kernels) needs the DataPtr's
// context to be its data pointer, and raw_deallocate a raw deleter: through
// the cache and the memory meter stacked as start_session installs them.
TEST(CachingCpuAllocator, RawAllocateWorksUnderTheMemoryMeter) {
  install_caching_cpu_allocator();
  install_cpu_memory_meter();
  c10::Allocator* allocator = c10::GetCPUAllocator();
  for (size_t bytes : {size_t{100}, size_t{4} << 20}) {
    const int64_t before = memory_stats(torch::kCPU).current_bytes;
    void* p = allocator->raw_allocate(bytes);
    ASSERT_NE(p, nullptr);
    static_cast<char*>(p)[bytes - 1] = 1;
    EXPECT_EQ(memory_stats(torch::kCPU).current_bytes, before + static_cast<int64_t>(bytes));
    allocator->raw_deallocate(p);
    EXPECT_EQ(memory_stats(torch::kCPU).current_bytes, before);
  }
  // A bf16 matmul large enough for oneDNN, as the bf16 training step runs it.
  const torch::Tensor a = torch::randn({256, 512}).to(torch::kBFloat16);
  const torch::Tensor b = torch::randn({512, 256}).to(torch::kBFloat16);
  EXPECT_TRUE(torch::allclose(torch::matmul(a, b).to(torch::kFloat32),
                              torch::matmul(a.to(torch::kFloat32), b.to(torch::kFloat32)), 0.05, 0.5));
}

}  // namespace
}  // namespace recur::trainer
