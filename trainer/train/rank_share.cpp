// Re-cutting the per-rank state for another world size (see rank_share.h).
#include "trainer/train/rank_share.h"

#include <vector>

#include "common/error.h"

namespace recur::trainer {
namespace {

constexpr const char* kSlotGroup = "carry/";

bool is_slot_tensor(const std::string& name) { return name.rfind(kSlotGroup, 0) == 0; }

// Shared tensors and records must be the same in every old file used.
void check_shared_state_agrees(const checkpoints::StateBundle& first, const checkpoints::StateBundle& other) {
  for (const auto& [name, t] : first.tensors()) {
    if (is_slot_tensor(name)) continue;
    if (!other.has_tensor(name) || !torch::equal(t, other.tensor(name)))
      throw InputError(other.source(), "tensor '" + name + "' differs from " + first.source() +
                                           ": the ranks' shared state disagrees, so the checkpoint cannot be "
                                           "resumed on another number of ranks");
  }
  if (first.records() != other.records())
    throw InputError(other.source(), "its records differ from " + first.source() +
                                         ": the ranks' shared state disagrees, so the checkpoint cannot be resumed "
                                         "on another number of ranks");
}

}  // namespace

checkpoints::StateBundle load_rank_share(const checkpoints::CheckpointRef& checkpoint, int rank, int world_size,
                                         int64_t global_batch) {
  const int old_world = checkpoint.manifest.world_size;
  if (old_world == world_size) return checkpoints::load_rank_state(checkpoint, rank);
  if (global_batch % old_world != 0)
    throw InputError(checkpoint.folder, "was written by " + std::to_string(old_world) +
                                            " ranks, which do not divide global_batch_size " +
                                            std::to_string(global_batch) + ": was global_batch_size changed?");
  const int64_t old_slots = global_batch / old_world, slots = global_batch / world_size;
  const int64_t first = rank * slots, end = first + slots;

  std::vector<checkpoints::StateBundle> parts;  // the old ranks holding [first, end), in order
  for (int64_t k = first / old_slots; k * old_slots < end; ++k) {
    parts.push_back(checkpoints::load_rank_state(checkpoint, static_cast<int>(k)));
    check_shared_state_agrees(parts.front(), parts.back());
  }
  const int64_t part_first = (first / old_slots) * old_slots;  // global slot of parts[0]'s row 0

  checkpoints::StateBundle share;
  share.set_source(checkpoint.folder + " (slots " + std::to_string(first) + "-" + std::to_string(end - 1) + " of " +
                   std::to_string(old_world) + " ranks' files)");
  for (const auto& [name, t] : parts.front().tensors()) {
    if (!is_slot_tensor(name)) {
      share.add_tensor(name, t);
      continue;
    }
    std::vector<torch::Tensor> rows;
    for (const checkpoints::StateBundle& part : parts) {
      const torch::Tensor& held = part.tensor(name);
      if (held.dim() == 0 || held.size(0) != old_slots)
        throw InputError(part.source(), "carry tensor '" + name + "' has " +
                                            (held.dim() ? std::to_string(held.size(0)) : std::string("no")) +
                                            " slots, but global_batch_size " + std::to_string(global_batch) +
                                            " over " + std::to_string(old_world) + " ranks gives " +
                                            std::to_string(old_slots) + ": was global_batch_size changed?");
      rows.push_back(held);
    }
    share.add_tensor(name, torch::cat(rows).narrow(0, first - part_first, slots).clone());
  }
  for (const auto& [key, record] : parts.front().records()) share.set_record(key, record);
  return share;
}

}  // namespace recur::trainer
