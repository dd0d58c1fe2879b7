// Where each rank's rows land in an all_gatherv, agreed on by all ranks.
//
// Both engines gather variable-size tensors the same way: first every rank learns
// every rank's row count (a small all_gather of a header on the host), then the data
// moves (MPI_Allgatherv, or one NCCL broadcast per rank). The header also carries
// the dtype and row shape, so a mismatch is a clear error on every rank instead of
// garbage or a hang.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/libtorch.h"
#include "distributed/communicator.h"

namespace recur::distributed {

struct GathervLayout {
  std::vector<int64_t> rows;          // per rank
  std::vector<int64_t> first_row;     // per rank: offset of its rows in the result
  int64_t row_bytes = 0;              // bytes per row, the same on every rank
  std::vector<int64_t> result_sizes;  // shape of the gathered tensor
};

// Collective over `host` (a CPU-capable communicator). Throws std::invalid_argument on
// every rank when the ranks' dtypes or row shapes differ.
GathervLayout agree_gatherv_layout(Communicator& host, const torch::Tensor& t, std::string_view name);

}  // namespace recur::distributed
