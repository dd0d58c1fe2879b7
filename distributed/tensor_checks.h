// Argument checks shared by every communicator, so a call that would fail with
// several ranks also fails with one (no surprise when a run moves to mpirun).
// Violations are programming errors: std::invalid_argument naming the collective.
// Also the one write-back step they share (collectives that work on a copy).
#pragma once

#include <string_view>

#include "common/libtorch.h"

namespace recur::distributed {

void check_defined(const torch::Tensor& t, std::string_view name);
// all_reduce_sum: float32, float64, int32 or int64 (the types both MPI and NCCL sum).
void check_reducible(const torch::Tensor& t, std::string_view name);
// all_gather(v): at least one dimension to concatenate along.
void check_gatherable(const torch::Tensor& t, std::string_view name);
void check_root(int root, int world_size, std::string_view name);

// Writes a working copy's result back into the caller's tensor (no-op when the
// collective worked on the tensor itself; parameters are leaves that require grad).
void copy_back(const torch::Tensor& t, const torch::Tensor& work);

}  // namespace recur::distributed
