// Making every rank start from the same state, and proving it.
//
// The reference builds its config on rank 0 and broadcasts it, and broadcasts all
// parameters and buffers from rank 0 after building the model (and after rank 0
// loads a checkpoint). check_consistency then compares,
// across ranks, a checksum of the resolved config text and of every named tensor
// (name, dtype, shape, bytes); ranks that differ would train different models while
// their all-reduces still "work", so a mismatch stops the run with a message naming
// the first differing item and the ranks that differ from rank 0.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/libtorch.h"
#include "distributed/communicator.h"

namespace recur::distributed {

// Same layout as the trainer's NamedTensors (name, tensor), in a fixed order.
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Thrown identically on every rank when the ranks' start-up states differ.
class ConsistencyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Rank 0's `text` on every rank (other ranks' argument is ignored): for values that
// only rank 0 may decide, such as a run folder named after the start time.
std::string broadcast_text_from_rank0(Communicator& comm, const std::string& text, std::string_view name);

// In place: every rank's tensors become rank 0's (one broadcast per tensor, named
// after it). The list must name the same tensors in the same order on every rank.
void broadcast_from_rank0(Communicator& comm, const NamedTensors& tensors);

// Collective. Throws ConsistencyError on every rank unless all ranks hold the same
// config text and the same tensors.
void check_consistency(Communicator& comm, std::string_view config_text, const NamedTensors& tensors);

}  // namespace recur::distributed
