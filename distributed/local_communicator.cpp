// One rank: collectives are the identity (see local_communicator.h).
#include "distributed/local_communicator.h"

#include "distributed/tensor_checks.h"

namespace recur::distributed {

void LocalCommunicator::all_reduce_sum(const torch::Tensor& t, std::string_view name) {
  check_reducible(t, name);
}

// A copy, as with several ranks: the caller may overwrite its input afterwards.
torch::Tensor LocalCommunicator::all_gather(const torch::Tensor& t, std::string_view name) {
  check_gatherable(t, name);
  return t.clone();
}

torch::Tensor LocalCommunicator::all_gatherv(const torch::Tensor& t, std::string_view name) {
  check_gatherable(t, name);
  return t.clone();
}

void LocalCommunicator::broadcast(const torch::Tensor& t, int root, std::string_view name) {
  check_defined(t, name);
  check_root(root, 1, name);
}

}  // namespace recur::distributed
