// Counting CPU allocator and CUDA allocator statistics (see memory_meter.h).
#include "trainer/memory/memory_meter.h"

#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <stdexcept>

#include "trainer/memory/allocator_compat.h"

// The CUDA statistics need LibTorch's CUDA side (cmake/torch.cmake).
#ifdef RECUR_TORCH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace recur::trainer {
namespace {

class CountingCpuAllocator;
CountingCpuAllocator* cpu_meter = nullptr;  // the one instance (install_cpu_memory_meter)

// The DataPtr context is the data pointer itself, as with LibTorch's own CPU
// allocator: raw_allocate() requires it (oneDNN's bf16 kernels allocate their
// scratch memory that way), so live allocations are found by address.
class CountingCpuAllocator final : public c10::Allocator {
 public:
  explicit CountingCpuAllocator(c10::Allocator* inner) : inner_(inner) {}

  c10::DataPtr allocate(size_t n) RECUR_ALLOCATE_CONST override {
    c10::DataPtr inner = inner_->allocate(n);
    if (n == 0) return inner;  // no bytes to count, and no unique address to key by
    void* data = inner.get();
    const c10::Device device = inner.device();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      live_.emplace(data, Allocation{std::move(inner), static_cast<int64_t>(n)});
    }
    add(static_cast<int64_t>(n));
    return {data, data, &release, device};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }

  // Newer LibTorch declares this pure virtual (for copy-on-write clones); older versions
  // do not have it, so it is written without `override` and is then just unused.
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  MemoryStats stats() const { return {current_.load(), peak_.load()}; }
  void reset_peak() { peak_.store(current_.load()); }

 private:
  struct Allocation {
    c10::DataPtr inner;  // freed when the entry is erased
    int64_t bytes;
  };

  static void release(void* data) {
    c10::DataPtr inner;  // destroyed after the lock is released
    {
      std::lock_guard<std::mutex> lock(cpu_meter->mutex_);
      auto it = cpu_meter->live_.find(data);
      if (it == cpu_meter->live_.end()) {  // a zero-byte allocation given to raw_deallocate
        if (c10::DeleterFnPtr free_inner = cpu_meter->inner_->raw_deleter()) free_inner(data);
        return;
      }
      cpu_meter->current_.fetch_sub(it->second.bytes);
      inner = std::move(it->second.inner);
      cpu_meter->live_.erase(it);
    }
  }

  void add(int64_t n) const {
    const int64_t now = current_.fetch_add(n) + n;
    int64_t peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    }
  }

  c10::Allocator* inner_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<void*, Allocation> live_;
  mutable std::atomic<int64_t> current_{0};
  mutable std::atomic<int64_t> peak_{0};
};

std::once_flag meter_installed;

#ifdef RECUR_TORCH_CUDA
int cuda_index(const torch::Device& device) {
  return device.has_index() ? device.index() : c10::cuda::current_device();
}
#endif
}  // namespace

void install_cpu_memory_meter() {
  std::call_once(meter_installed, [] {
    // Lives for the whole process: tensors freed at exit still call back into it.
    cpu_meter = new CountingCpuAllocator(c10::GetCPUAllocator());
    c10::SetCPUAllocator(cpu_meter, /*priority=*/100);
  });
}

MemoryStats memory_stats(const torch::Device& device) {
  if (device.is_cpu()) return cpu_meter ? cpu_meter->stats() : MemoryStats{};
#ifdef RECUR_TORCH_CUDA
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
#ifdef RECUR_TORCH_CUDA
  if (device.is_cuda()) {
    c10::cuda::CUDACachingAllocator::resetPeakStats(cuda_index(device));
    return;
  }
#endif
  throw std::runtime_error("reset_peak_memory: no memory statistics for device " + device.str());
}

}  // namespace recur::trainer
