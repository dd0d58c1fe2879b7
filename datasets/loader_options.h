// Checks shared by the train and test loaders: the (rank, world size,
// global batch size) triple the trainer passes in. Errors name the config key.
#pragma once

#include <cstdint>
#include <string>

#include "common/error.h"

namespace recur::datasets {

inline void check_batch_slicing(int64_t global_batch_size, int rank, int world_size) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw InputError("rank", "rank " + std::to_string(rank) + " is outside 0.." + std::to_string(world_size - 1));
  }
  if (global_batch_size < 1 || global_batch_size % world_size != 0) {
    throw InputError("global_batch_size", std::to_string(global_batch_size) +
                                              " must be a positive multiple of the number of ranks (" +
                                              std::to_string(world_size) + ")");
  }
}

}  // namespace recur::datasets
