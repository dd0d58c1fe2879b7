// Finding and loading checkpoints (see checkpoint_loader.h).
#include "checkpoints/checkpoint_loader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checksum.h"
#include "common/error.h"

namespace recur::checkpoints {

namespace fs = std::filesystem;

namespace {

void check_listed(const CheckpointRef& checkpoint, const std::string& name, const std::string& path,
                  uint64_t content) {
  uint64_t listed = checkpoint.manifest.files.at(name);
  if (content != listed)
    throw InputError(path, "content checksum " + checksum_to_hex(content) + " differs from " +
                               checksum_to_hex(listed) + " listed in COMPLETE (file replaced or mixed from another save)");
}

StateBundle load_listed_file(const CheckpointRef& checkpoint, const std::string& name, const LoadTargets& into = {}) {
  std::string path = (fs::path(checkpoint.folder) / name).string();
  uint64_t content = 0;
  StateBundle bundle = read_bundle(path, &content, into);
  check_listed(checkpoint, name, path, content);
  return bundle;
}

// Step folders under RUN/checkpoints, newest first.
std::vector<std::pair<int64_t, std::string>> step_folders_newest_first(const std::string& run_dir) {
  std::vector<std::pair<int64_t, std::string>> folders;
  std::string dir = checkpoints_dir(run_dir);
  if (!fs::is_directory(dir)) return folders;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    int64_t step = 0;
    if (entry.is_directory() && parse_step_folder_name(entry.path().filename().string(), &step))
      folders.emplace_back(step, entry.path().string());
  }
  std::sort(folders.begin(), folders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return folders;
}

bool has_entry(const fs::path& folder, const std::string& name) { return fs::exists(folder / name); }

}  // namespace

CheckpointRef open_checkpoint(const std::string& folder) { return {folder, read_manifest(folder)}; }

CheckpointManifest verify_checkpoint(const std::string& folder) {
  CheckpointRef checkpoint = open_checkpoint(folder);
  for (const auto& entry : checkpoint.manifest.files) {
    const std::string path = (fs::path(folder) / entry.first).string();
    check_listed(checkpoint, entry.first, path, verify_bundle(path));
  }
  return checkpoint.manifest;
}

std::optional<CheckpointRef> find_latest_complete(const std::string& run_dir) {
  for (const auto& [step, folder] : step_folders_newest_first(run_dir)) {
    try {
      return CheckpointRef{folder, verify_checkpoint(folder)};
    } catch (const InputError& e) {
      spdlog::warn("skipping checkpoint {}: {}", folder, e.what());
    }
  }
  return std::nullopt;
}

std::optional<std::string> run_folder_of(const std::string& path) {
  fs::path p(path);
  if (!fs::exists(p)) throw InputError(path, "no such checkpoint file or folder");
  if (!fs::is_directory(p)) return std::nullopt;
  int64_t step = 0;
  std::string name = p.lexically_normal().filename().string();
  if (name.empty()) name = p.lexically_normal().parent_path().filename().string();
  if (parse_step_folder_name(name, &step) || has_entry(p, kCompleteFileName) || has_entry(p, kModelFileName))
    return std::nullopt;
  fs::path run_dir = name == "checkpoints" ? p.lexically_normal().parent_path() : p;
  if (!fs::is_directory(checkpoints_dir(run_dir.string())))
    throw InputError(path, "not a checkpoint folder (no COMPLETE or model.h5) and not a run folder (no checkpoints/)");
  return run_dir.string();
}

std::string resolve_checkpoint_path(const std::string& path) {
  if (std::optional<std::string> run_dir = run_folder_of(path)) {
    std::optional<CheckpointRef> latest = find_latest_complete(*run_dir);
    if (!latest) throw InputError(path, "the run has no complete checkpoint");
    return latest->folder;
  }
  fs::path p(path);
  if (fs::is_directory(p)) return path;
  std::string name = p.filename().string();
  int rank = 0;
  bool in_checkpoint = name == kModelFileName || name == kCompleteFileName || parse_rank_file_name(name, &rank);
  if (in_checkpoint) return p.parent_path().empty() ? "." : p.parent_path().string();
  throw InputError(path, "not a checkpoint: pass a checkpoint folder (RUN/checkpoints/step_N) or its model.h5");
}

std::vector<CheckpointRef> eval_checkpoints(const std::string& run_dir) {
  std::vector<CheckpointRef> out;
  for (const auto& [step, folder] : step_folders_newest_first(run_dir)) {
    try {
      CheckpointRef ref = open_checkpoint(folder);
      if (ref.manifest.eval) out.push_back(std::move(ref));
    } catch (const InputError& e) {
      spdlog::warn("skipping checkpoint {}: {}", folder, e.what());
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

StateBundle load_model_state(const CheckpointRef& checkpoint, const LoadTargets& into) {
  return load_listed_file(checkpoint, kModelFileName, into);
}

StateBundle load_rank_state(const CheckpointRef& checkpoint, int rank) {
  if (rank < 0 || rank >= checkpoint.manifest.world_size)
    throw InputError(checkpoint.folder, "has no file for rank " + std::to_string(rank) + ": it was written by " +
                                            std::to_string(checkpoint.manifest.world_size) + " ranks");
  return load_listed_file(checkpoint, rank_file_name(rank));
}

}  // namespace recur::checkpoints
