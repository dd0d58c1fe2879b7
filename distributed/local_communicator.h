// The communicator of a job with one rank: every collective is the identity.
//
// It lets the trainer call the same collectives whether or not it was launched by
// mpirun/srun, without starting MPI (no singleton start-up cost). Nothing can hang
// with one rank, so there is no watchdog.
#pragma once

#include "distributed/communicator.h"

namespace recur::distributed {

class LocalCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int world_size() const override { return 1; }
  std::string backend() const override { return "local"; }

  void all_reduce_sum(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gather(const torch::Tensor& t, std::string_view name) override;
  torch::Tensor all_gatherv(const torch::Tensor& t, std::string_view name) override;
  void broadcast(const torch::Tensor& t, int root, std::string_view name) override;
  void barrier(std::string_view) override {}
  bool agree_any(bool flag, std::string_view) override { return flag; }
  void set_watchdog_timeout(double) override {}
};

}  // namespace recur::distributed
