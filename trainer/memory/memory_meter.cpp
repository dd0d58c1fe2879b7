// Counting CPU allocator and CUDA allocator statistics (see memory_meter.h).
#include "trainer/memory/memory_meter.h"

#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "trainer/memory/allocator_compat.h"

// The CUDA statistics need libc10_cuda. Its headers are installed by CPU-only packages too
// (Debian's), so the generated cuda_cmake_macros.h, which only CUDA builds have, decides.
#if __has_include(<c10/cuda/CUDACachingAllocator.h>) && __has_include(<c10/cuda/impl/cuda_cmake_macros.h>)
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#define RECUR_CUDA_MEMORY_STATS 1
#endif

namespace recur::trainer {
namespace {

class CountingCpuAllocator final : public c10::Allocator {
 public:
  explicit CountingCpuAllocator(c10::Allocator* inner) : inner_(inner) {}

  c10::DataPtr allocate(size_t n) RECUR_ALLOCATE_CONST override {
    c10::DataPtr inner = inner_->allocate(n);
    void* data = inner.get();
    const c10::Device device = inner.device();
    add(static_cast<int64_t>(n));
    // The context owns the inner allocation and remembers its size for the release.
    auto* block = new Block{std::move(inner), static_cast<int64_t>(n), this};
    return {data, block, &release, device};
  }

  // Newer LibTorch declares this pure virtual (for copy-on-write clones); older versions
  // do not have it, so it is written without `override` and is then just unused.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  MemoryStats stats() const { return {current_.load(), peak_.load()}; }
  void reset_peak() { peak_.store(current_.load()); }

 private:
  struct Block {
    c10::DataPtr inner;
    int64_t bytes;
    const CountingCpuAllocator* owner;
  };

  static void release(void* ctx) {
    auto* block = static_cast<Block*>(ctx);
    block->owner->current_.fetch_sub(block->bytes);
    delete block;  // frees the inner allocation
  }

  void add(int64_t n) const {
    const int64_t now = current_.fetch_add(n) + n;
    int64_t peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    }
  }

  c10::Allocator* inner_;
  mutable std::atomic<int64_t> current_{0};
  mutable std::atomic<int64_t> peak_{0};
};

CountingCpuAllocator* cpu_meter = nullptr;
std::once_flag install_once;

#ifdef RECUR_CUDA_MEMORY_STATS
int cuda_index(const torch::Device& device) {
  return device.has_index() ? device.index() : c10::cuda::current_device();
}
#endif
}  // namespace

void install_cpu_memory_meter() {
  std::call_once(install_once, [] {
    // Lives for the whole process: tensors freed at exit still call back into it.
    cpu_meter = new CountingCpuAllocator(c10::GetCPUAllocator());
    c10::SetCPUAllocator(cpu_meter, /*priority=*/100);
  });
}

MemoryStats memory_stats(const torch::Device& device) {
  if (device.is_cpu()) return cpu_meter ? cpu_meter->stats() : MemoryStats{};
#ifdef RECUR_CUDA_MEMORY_STATS
  if (device.is_cuda()) {
    // Index 0 is StatType::AGGREGATE (the enum moved namespaces across LibTorch versions).
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(cuda_index(device));
    return {stats.allocated_bytes[0].current, stats.allocated_bytes[0].peak};
  }
#endif
  throw std::runtime_error("memory_stats: no memory statistics for device " + device.str());
}

void reset_peak_memory(const torch::Device& device) {
  if (device.is_cpu()) {
    if (cpu_meter) cpu_meter->reset_peak();
    return;
  }
#ifdef RECUR_CUDA_MEMORY_STATS
  if (device.is_cuda()) {
    c10::cuda::CUDACachingAllocator::resetPeakStats(cuda_index(device));
    return;
  }
#endif
  throw std::runtime_error("reset_peak_memory: no memory statistics for device " + device.str());
}

}  // namespace recur::trainer
