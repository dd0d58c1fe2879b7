// `recur inspect CHECKPOINT`: what a checkpoint holds, as JSON and as text.
//
// Reads metadata only (names, shapes, dtypes, records, stored checksums), so
// inspecting a multi-GB checkpoint is instant; it does not verify checksums
// (resume and eval do). It is tolerant on purpose: a folder without COMPLETE
// or with an unreadable file is still described, with the problem stated,
// because inspect is what a user runs to find out what is wrong.
//
// Parameter count: the sum of numel over the /model tensors, minus those that
// model.h5's record `model_buffers` (a list of names under /model) marks as
// buffers (H_init, L_init, the puzzle-embedding table), matching the
// reference's num_params. Without that record every /model tensor counts, and
// the description says so.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace recur::checkpoints {

// True for a checkpoint folder (step_N, or one holding COMPLETE or model.h5),
// a file inside one, or an HDF5 file whose root says format=recur-checkpoint.
bool is_checkpoint_path(const std::string& path);

// A checkpoint folder (or a file in one: the whole folder is described), or a
// single recur-checkpoint .h5 file elsewhere. InputError when there is nothing to describe.
nlohmann::json describe_checkpoint(const std::string& path);
std::string format_checkpoint_description(const nlohmann::json& description);

}  // namespace recur::checkpoints
