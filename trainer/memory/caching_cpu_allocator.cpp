// Caching CPU allocator (see caching_cpu_allocator.h).
#include "trainer/memory/caching_cpu_allocator.h"

#include <c10/core/CPUAllocator.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>

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

class CachingCpuAllocator final : public c10::Allocator {
 public:
  explicit CachingCpuAllocator(c10::Allocator* inner) : inner_(inner), idle_limit_(idle_limit_bytes()) {}

  c10::DataPtr allocate(size_t n) RECUR_ALLOCATE_CONST override {
    if (n < kMinCachedBytes) return inner_->allocate(n);
    Block* block = take(round_up(n));
    return {block->memory.get(), block, &give_back, block->memory.device()};
  }

  // Newer LibTorch declares this pure virtual (copy-on-write clones); older versions
  // do not have it, so it is written without `override`.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  CpuCacheStats stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  struct Block {
    c10::DataPtr memory;  // from the inner allocator; freed when the block is deleted
    size_t bytes;
    const CachingCpuAllocator* owner;
  };

  // An idle block of exactly `bytes`, else a new one.
  Block* take(size_t bytes) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = idle_.find(bytes);
      if (it != idle_.end()) {
        Block* block = it->second;
        idle_.erase(it);
        stats_.cached_bytes -= static_cast<int64_t>(bytes);
        stats_.hits += 1;
        return block;
      }
      stats_.misses += 1;
      if (stats_.cached_bytes > idle_limit_) release_idle_locked();
    }
    return new Block{inner_->allocate(bytes), bytes, this};
  }

  static void give_back(void* ctx) {
    auto* block = static_cast<Block*>(ctx);
    const CachingCpuAllocator* self = block->owner;
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->idle_.emplace(block->bytes, block);
    self->stats_.cached_bytes += static_cast<int64_t>(block->bytes);
  }

  void release_idle_locked() const {
    for (auto& [bytes, block] : idle_) delete block;
    idle_.clear();
    stats_.cached_bytes = 0;
  }

  c10::Allocator* inner_;
  const int64_t idle_limit_;
  mutable std::mutex mutex_;
  mutable std::multimap<size_t, Block*> idle_;
  mutable CpuCacheStats stats_;
};

CachingCpuAllocator* cache = nullptr;
std::once_flag install_once;

}  // namespace

void install_caching_cpu_allocator() {
  std::call_once(install_once, [] {
    // Lives for the whole process: tensors freed at exit still return their blocks to it.
    cache = new CachingCpuAllocator(c10::GetCPUAllocator());
    c10::SetCPUAllocator(cache, /*priority=*/100);
  });
}

CpuCacheStats cpu_cache_stats() { return cache ? cache->stats() : CpuCacheStats{}; }

}  // namespace recur::trainer
