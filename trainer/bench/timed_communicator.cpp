// Timing wrapper around a communicator (see timed_communicator.h).
#include "trainer/bench/timed_communicator.h"

#include <torch/cuda.h>

#include <type_traits>

#include "trainer/runtime/profile_scopes.h"

namespace recur::trainer {

TimedCommunicator::TimedCommunicator(std::unique_ptr<distributed::Communicator> inner, torch::Device device)
    : inner_(std::move(inner)), device_(device) {}

void TimedCommunicator::wait_for_device() const {
  if (device_.is_cuda()) torch::cuda::synchronize(device_.index());
}

template <typename F>
auto TimedCommunicator::timed(F&& call) {
  const ProfileScope profile(profile_scope::kAllReduce);
  wait_for_device();
  const auto start = Clock::now();
  auto add_elapsed = [&] {
    wait_for_device();
    seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
  };
  if constexpr (std::is_void_v<decltype(call())>) {
    call();
    add_elapsed();
  } else {
    auto result = call();
    add_elapsed();
    return result;
  }
}

void TimedCommunicator::all_reduce_sum(const torch::Tensor& t, std::string_view name) {
  timed([&] { inner_->all_reduce_sum(t, name); });
}

torch::Tensor TimedCommunicator::all_gather(const torch::Tensor& t, std::string_view name) {
  return timed([&] { return inner_->all_gather(t, name); });
}

torch::Tensor TimedCommunicator::all_gatherv(const torch::Tensor& t, std::string_view name) {
  return timed([&] { return inner_->all_gatherv(t, name); });
}

void TimedCommunicator::broadcast(const torch::Tensor& t, int root, std::string_view name) {
  timed([&] { inner_->broadcast(t, root, name); });
}

void TimedCommunicator::barrier(std::string_view name) {
  timed([&] { inner_->barrier(name); });
}

bool TimedCommunicator::agree_any(bool flag, std::string_view name) {
  return timed([&] { return inner_->agree_any(flag, name); });
}

}  // namespace recur::trainer
