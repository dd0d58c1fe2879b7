// The step profiler (see step_profile.h).
#include "trainer/bench/step_profile.h"

#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "trainer/runtime/profile_scopes.h"

namespace recur::trainer {

StepProfiler* StepProfiler::active_ = nullptr;

struct StepProfiler::Frame {
  enum class Kind : uint8_t { kOp, kScope, kBackward };
  Kind kind;
  Phase phase;
  const char* name;
  int64_t start_ns;
  int64_t child_ns = 0;
};

namespace {

int64_t profile_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool name_is(const char* name, const char* expected) { return std::strcmp(name, expected) == 0; }

bool is_allocation_op(const char* name) {
  return std::strncmp(name, "aten::empty", 11) == 0 || name_is(name, "aten::resize_");
}

bool is_matmul_op(const char* name) {
  static const char* const kMatmuls[] = {"aten::mm",     "aten::addmm",  "aten::bmm",    "aten::baddbmm",
                                         "aten::addbmm", "aten::matmul", "aten::linear", "aten::_addmm_activation"};
  for (const char* m : kMatmuls)
    if (name_is(name, m)) return true;
  return false;
}

// Per thread: the open ops and scopes, innermost last.
std::vector<StepProfiler::Frame>& thread_frames() {
  thread_local std::vector<StepProfiler::Frame> frames;
  return frames;
}

}  // namespace

StepProfiler::StepProfiler(torch::Device device)
    : synchronise_cuda_(device.is_cuda()), device_index_(device.is_cuda() ? device.index() : 0) {
  if (active_) throw std::logic_error("StepProfiler: one profiler at a time");
  active_ = this;
  handle_ = at::addGlobalCallback(
      at::RecordFunctionCallback(&StepProfiler::on_start, &StepProfiler::on_end)
          .scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION, at::RecordScope::USER_SCOPE}));
}

StepProfiler::~StepProfiler() {
  at::removeCallback(handle_);
  active_ = nullptr;
}

StepProfiler::Phase StepProfiler::phase_of(const at::RecordFunction& fn, Phase parent) {
  const int64_t seq = fn.seqNr();
  if (fn.scope() == at::RecordScope::BACKWARD_FUNCTION) {
    std::lock_guard<std::mutex> lock(phases_mutex_);
    const auto it = phases_.find(seq);
    return it == phases_.end() ? Phase::kModel : it->second;
  }
  Phase phase = parent;
  if (fn.scope() == at::RecordScope::USER_SCOPE) {
    namespace ps = profile_scope;
    const char* name = fn.name();
    if (name_is(name, ps::kData)) phase = Phase::kData;
    if (name_is(name, ps::kModel)) phase = Phase::kModel;
    if (name_is(name, ps::kAttention)) phase = Phase::kAttention;
    if (name_is(name, ps::kLoss)) phase = Phase::kLoss;
    if (name_is(name, ps::kOptimizers)) phase = Phase::kOptimizers;
    if (name_is(name, ps::kAllReduce)) phase = Phase::kAllReduce;
  }
  // The backward node with this number (made by this op, or claimed by this scope)
  // belongs to the phase; kModel is every other node's default.
  if (seq >= 0 && (phase == Phase::kAttention || phase == Phase::kLoss)) {
    std::lock_guard<std::mutex> lock(phases_mutex_);
    phases_[seq] = phase;
  }
  return phase;
}

std::unique_ptr<at::ObserverContext> StepProfiler::on_start(const at::RecordFunction& fn) {
  StepProfiler* self = active_;
  if (!self) return nullptr;
  std::vector<Frame>& frames = thread_frames();
  const Phase parent = frames.empty() ? Phase::kNone : frames.back().phase;
  const Frame::Kind kind = fn.scope() == at::RecordScope::USER_SCOPE          ? Frame::Kind::kScope
                           : fn.scope() == at::RecordScope::BACKWARD_FUNCTION ? Frame::Kind::kBackward
                                                                              : Frame::Kind::kOp;
  frames.push_back({kind, self->phase_of(fn, parent), fn.name(), profile_now_ns()});
  return nullptr;
}

void StepProfiler::on_end(const at::RecordFunction& fn, at::ObserverContext*) {
  StepProfiler* self = active_;
  std::vector<Frame>& frames = thread_frames();
  if (!self || frames.empty()) return;
  if (self->synchronise_cuda_ && fn.scope() == at::RecordScope::FUNCTION) torch::cuda::synchronize(self->device_index_);
  const Frame frame = frames.back();
  frames.pop_back();
  const int64_t duration = profile_now_ns() - frame.start_ns;
  if (!frames.empty()) frames.back().child_ns += duration;
  self->charge(frame, duration - frame.child_ns);
}

void StepProfiler::charge(const Frame& frame, int64_t self_ns) {
  ProfileLine line = ProfileLine::kOther;
  if (frame.kind == Frame::Kind::kOp && is_allocation_op(frame.name)) {
    line = ProfileLine::kAllocation;
  } else if (frame.kind != Frame::Kind::kBackward) {
    // A scope's own time (C++ between its ops) belongs to it, except the model's.
    switch (frame.phase) {
      case Phase::kData: line = ProfileLine::kData; break;
      case Phase::kAttention: line = ProfileLine::kAttention; break;
      case Phase::kLoss: line = ProfileLine::kLoss; break;
      case Phase::kOptimizers: line = ProfileLine::kOptimizers; break;
      case Phase::kAllReduce: line = ProfileLine::kAllReduce; break;
      case Phase::kModel:
        if (frame.kind == Frame::Kind::kOp)
          line = is_matmul_op(frame.name) ? ProfileLine::kMatmuls : ProfileLine::kElementwise;
        break;
      case Phase::kNone: break;
    }
  }
  // kOther is what the other lines leave of the wall time (result()).
  if (line != ProfileLine::kOther) nanoseconds_[static_cast<size_t>(line)] += self_ns;
}

StepProfile StepProfiler::result(double wall_seconds) const {
  StepProfile p;
  p.total_seconds = wall_seconds;
  double covered = 0;
  for (size_t i = 0; i < p.seconds.size(); ++i) {
    p.seconds[i] = 1e-9 * static_cast<double>(nanoseconds_[i].load());
    if (i != static_cast<size_t>(ProfileLine::kOther)) covered += p.seconds[i];
  }
  p.seconds[static_cast<size_t>(ProfileLine::kOther)] = std::max(0.0, wall_seconds - covered);
  return p;
}

nlohmann::json profile_json(const StepProfile& profile) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < kProfileLineKeys.size(); ++i) j[kProfileLineKeys[i]] = profile.share(static_cast<ProfileLine>(i));
  return j;
}

}  // namespace recur::trainer
