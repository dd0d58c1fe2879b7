// COMPLETE: the manifest rank 0 writes last into a checkpoint folder.
//
// It is what makes a folder a checkpoint: it says which step it is, how many
// ranks wrote it, whether it was taken at an eval (retention keeps those),
// and lists every file with its content checksum, so a load can tell a
// complete set from a folder where a file is missing, truncated, swapped in
// from another checkpoint or corrupt. It is a small JSON object:
//   {"format": "recur-checkpoint", "version": 1, "step": 1000, "world_size": 2,
//    "eval": false, "files": {"model.h5": "<16 hex>", "rank_00000.h5": ...}}
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace recur::checkpoints {

struct CheckpointManifest {
  int64_t step = 0;
  int world_size = 1;
  bool eval = false;
  std::map<std::string, uint64_t> files;  // file name -> content checksum
};

std::string manifest_to_json(const CheckpointManifest& manifest);
// Parses and validates (known format/version, files = checkpoint_file_names(world_size));
// problems are InputErrors naming `path`.
CheckpointManifest parse_manifest(const std::string& json_text, const std::string& path);

// FOLDER/COMPLETE. A missing COMPLETE is an InputError saying the write never finished.
CheckpointManifest read_manifest(const std::string& folder);
void write_manifest(const std::string& folder, const CheckpointManifest& manifest);  // atomic

}  // namespace recur::checkpoints
