// `recur inspect FILE.h5` for puzzle files: what is inside, for people
// (text) and scripts (JSON). Kept here so the CLI command stays a thin
// dispatcher between puzzle files and checkpoints.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace recur::datasets {

// Validated metadata plus sizes: file bytes, per split counts, stored
// (compressed) and raw token bytes, chunking; `builder` parsed as JSON.
nlohmann::json describe_puzzle_file(const std::string& path);
// A short human-readable summary of describe_puzzle_file's result.
std::string format_puzzle_description(const nlohmann::json& description);

}  // namespace recur::datasets
