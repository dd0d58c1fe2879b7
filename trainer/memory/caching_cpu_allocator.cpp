// Caching CPU allocator (see caching_cpu_allocator.h).
#include "trainer/memory/caching_cpu_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>
#include <unordered_map>

#include "trainer/memory/allocator_compat.h"

namespace recur::trainer {
namespace {

constexpr size_t kMinCachedBytes = size_t{1} << 20;  // smaller blocks: glibc's bins reuse them
constexpr size_t kGranuleBytes = size_t{64} << 10;

size_t round_up(size_t n) { return (n + kGranuleBytes - 1) / kGranuleBytes * kGranuleBytes; }

// Idle memory bound: an eighth of the machine's memory.
int64_t idle_limit_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page / 8 : int64_t{1} << 30;
}

class CachingCpuAllocator;
CachingCpuAllocator* cache = nullptr;  // the one instance (install_caching_cpu_allocator)

// The DataPtr context is the data pointer itself, as with LibTorch's own CPU
// allocator: raw_allocate() requires it (oneDNN's bf16 kernels allocate their
// scratch memory that way), so blocks are found by address.
class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(c10::Allocator* inner) : inner_(inner), idle_limit_(idle_limit_bytes()) {}

  c10::DataPtr allocate(size_t n) RECUR_ALLOCATE_CONST override {
    if (n < kMinCachedBytes) return inner_->allocate(n);
    void* data = take(round_up(n));
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  // Newer LibTorch declares this pure virtual (copy-on-write clones); older versions
  // do not have it, so it is written without `override`.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  CpuCacheStats stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  struct Block {
    c10::DataPtr memory;  // from the inner allocator; freed when the block is erased
    size_t bytes;
  };

  // An idle block of exactly `bytes`, else a new one; returns its address.
  void* take(size_t bytes) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = idle_.find(bytes);
    if (it != idle_.end()) {
      void* data = it->second;
      idle_.erase(it);
      stats_.cached_bytes -= static_cast<int64_t>(bytes);
      stats_.hits += 1;
      return data;
    }
    stats_.misses += 1;
    if (stats_.cached_bytes > idle_limit_) release_idle_locked();
    c10::DataPtr memory = inner_->allocate(bytes);
    void* data = memory.get();
    blocks_.emplace(data, Block{std::move(memory), bytes});
    return data;
  }

  // A cached block goes back to the idle list; anything else (a small block given
  // to raw_deallocate) to the inner allocator.
  static void release(void* data) {
    {
      std::lock_guard<std::mutex> lock(cache->mutex_);
      auto it = cache->blocks_.find(data);
      if (it != cache->blocks_.end()) {
        cache->idle_.emplace(it->second.bytes, data);
        cache->stats_.cached_bytes += static_cast<int64_t>(it->second.bytes);
        return;
      }
    }
    if (c10::DeleterFnPtr free_inner = cache->inner_->raw_deleter()) free_inner(data);
  }

  void release_idle_locked() const {
    for (const auto& [bytes, data] : idle_) blocks_.erase(data);
    idle_.clear();
    stats_.cached_bytes = 0;
  }

  c10::Allocator* inner_;
  const int64_t idle_limit_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<void*, Block> blocks_;  // every block, in use or idle
  mutable std::multimap<size_t, void*> idle_;        // idle blocks by size
  mutable CpuCacheStats stats_;
};

std::once_flag cache_installed;

}  // namespace

void install_caching_cpu_allocator() {
  std::call_once(cache_installed, [] {
    // Lives for the whole process: tensors freed at exit still return their blocks to it.
    cache = new CachingCpuAllocator(c10::GetCPUAllocator());
    c10::SetCPUAllocator(cache, /*priority=*/100);
  });
}

CpuCacheStats cpu_cache_stats() { return cache ? cache->stats() : CpuCacheStats{}; }

}  // namespace recur::trainer
