// A communicator that times the collectives of another one.
//
// The bench reports which share of a training step is spent in communication (the
// gradient all-reduce, the puzzle-row all-gather, the metric reduce). Wrapping the
// session's communicator measures exactly the calls the train step makes, with no
// timing code in the train step itself. On CUDA each collective is bracketed by a
// device synchronisation, so its time is the collective's and not queued compute
// (which makes the bench's CUDA steps slightly more serial than training's).
#pragma once

#include <chrono>
#include <memory>

#include "distributed/communicator.h"

namespace recur::trainer {

class TimedCommunicator final : public distributed::Communicator {
 public:
  TimedCommunicator(std::unique_ptr<distributed::Communicator> inner, torch::Device device);

  // Seconds spent inside collectives since construction or the last reset.
  double seconds() const { return seconds_; }
  void reset() { seconds_ = 0; }

  int rank() const override { return inner_->rank(); }
  int world_size() const override { return inner_->world_size(); }
  std::string backend() const override { return inner_->backend(); }
  void all_reduce_sum(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gather(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gatherv(const torch::Tensor& t, std::string_view name) override;
  void broadcast(const torch::Tensor& t, int root, std::string_view name) override;
  void barrier(std::string_view name) override;
  bool agree_any(bool flag, std::string_view name) override;
  void set_watchdog_timeout(double seconds) override { inner_->set_watchdog_timeout(seconds); }

 private:
  using Clock = std::chrono::steady_clock;
  void wait_for_device() const;
  // Runs `call` and adds its duration.
  template <typename F>
  auto timed(F&& call);

  std::unique_ptr<distributed::Communicator> inner_;
  torch::Device device_;
  double seconds_ = 0;
};

}  // namespace recur::trainer
