// Named regions of a training step, for the step profiler (bench/step_profile.h).
//
// The profiler sorts every LibTorch op of a step into the lines of the
// `recur bench --profile` table. Op names alone cannot tell a loss `log` from a
// norm's, so the code marks its phases with a ProfileScope (a RecordFunction user
// scope: it costs nothing when no profiler listens). The backward ops of a phase
// are found through autograd sequence numbers: a forward op carries the number of
// the backward node it creates, and a scope claims the next number too, so the
// backward of a custom autograd Function applied first inside it (which no
// dispatcher op announces) is charged to the scope's phase as well.
#pragma once

#include <ATen/SequenceNumber.h>
#include <ATen/core/grad_mode.h>
#include <ATen/record_function.h>

#include <cstdint>

namespace recur::trainer {

namespace profile_scope {
inline constexpr const char kData[] = "recur::data";              // making and handing over a batch
inline constexpr const char kModel[] = "recur::model";            // the ACT step (matmuls, element-wise)
inline constexpr const char kAttention[] = "recur::attention";    // softmax(q k^T) v (with RoPE when fused)
inline constexpr const char kLoss[] = "recur::loss";              // the ACT loss head
inline constexpr const char kOptimizers[] = "recur::optimizers";  // sign-SGD, AdamATan2, EMA, zeroing
inline constexpr const char kAllReduce[] = "recur::all_reduce";   // every collective (TimedCommunicator)
}  // namespace profile_scope

class ProfileScope {
 public:
  explicit ProfileScope(const char* name) : guard_(at::RecordScope::USER_SCOPE) {
    // Without gradient no node is made: claiming a number would hand it to a later one.
    if (guard_.isActive())
      guard_.before(name, at::GradMode::is_enabled() ? static_cast<int64_t>(at::sequence_number::peek()) : -1);
  }
  ProfileScope(const ProfileScope&) = delete;
  ProfileScope& operator=(const ProfileScope&) = delete;

 private:
  at::RecordFunction guard_;
};

}  // namespace recur::trainer
