// Where a training step's time goes: `recur bench --profile`.
//
// LibTorch's profiler hooks (RecordFunction, what torch.profiler records) report
// the start and end of every op, autograd backward function and user scope. The
// profiler keeps a stack per thread and charges each op its self time (its
// duration minus that of the ops it called) to one line of the table:
//   matmuls       mm/addmm/bmm/linear in the model (forward and backward);
//   attention     softmax(q k^T) v and its backward, fused or written out;
//   element-wise  every other model op: norms, SwiGLU's activation, rotary,
//                 residual adds, casts, copies, the ACT carry and halting;
//   loss          the ACT loss head and its backward;
//   optimizers    sign-SGD, AdamATan2, the EMA and the gradient zeroing;
//   allocation    aten::empty* and resize_ anywhere (allocator calls);
//   data          making the batch and handing it to the device;
//   all-reduce    time inside the collectives;
//   other         the rest of the wall time: the autograd engine, C++ between
//                 ops, the non-finite check.
// Phases come from the user scopes of runtime/profile_scopes.h; a backward
// function belongs to the phase of the forward op with its sequence number.
// On CUDA each op ends with a device synchronisation, so its time is its
// kernels' (which serialises the step: shares, not speed, are the point).
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include <ATen/record_function.h>

#include "common/libtorch.h"

namespace recur::trainer {

enum class ProfileLine { kMatmuls, kAttention, kElementwise, kLoss, kOptimizers, kAllocation, kData, kAllReduce,
                         kOther, kCount };

// The lines in table order, with their JSON keys.
inline constexpr std::array<const char*, static_cast<size_t>(ProfileLine::kCount)> kProfileLineKeys = {
    "matmuls", "attention", "elementwise", "loss", "optimizers_ema", "allocation", "data", "all_reduce", "other"};

struct StepProfile {
  std::array<double, static_cast<size_t>(ProfileLine::kCount)> seconds{};  // over the profiled steps
  double total_seconds = 0;                                                // their wall time
  double share(ProfileLine line) const { return seconds[static_cast<size_t>(line)] / total_seconds; }
};

// Listens while it lives (one at a time per process).
class StepProfiler {
 public:
  explicit StepProfiler(torch::Device device);
  ~StepProfiler();
  StepProfiler(const StepProfiler&) = delete;
  StepProfiler& operator=(const StepProfiler&) = delete;

  // The self times so far, with `wall_seconds` of steps: what no op covered goes to kOther.
  StepProfile result(double wall_seconds) const;

  struct Frame;  // an open op or scope, on its thread's stack (step_profile.cpp)


 private:
  enum class Phase : uint8_t { kNone, kData, kModel, kAttention, kLoss, kOptimizers, kAllReduce };
  static std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& fn);
  static void on_end(const at::RecordFunction& fn, at::ObserverContext* context);
  static StepProfiler* active_;

  Phase phase_of(const at::RecordFunction& fn, Phase parent);
  void charge(const Frame& frame, int64_t self_nanoseconds);

  at::CallbackHandle handle_ = 0;
  bool synchronise_cuda_ = false;
  int device_index_ = 0;
  std::array<std::atomic<int64_t>, static_cast<size_t>(ProfileLine::kCount)> nanoseconds_{};
  mutable std::mutex phases_mutex_;
  std::unordered_map<int64_t, Phase> phases_;  // sequence number -> phase, where not kModel
};

// {"matmuls": share, ..., "other": share}: each line's share of the wall time (sums to 1).
nlohmann::json profile_json(const StepProfile& profile);

}  // namespace recur::trainer
