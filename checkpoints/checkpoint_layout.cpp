// Checkpoint folder and file names (see checkpoint_layout.h).
#include "checkpoints/checkpoint_layout.h"

#include <cctype>
#include <cstdio>
#include <filesystem>

namespace recur::checkpoints {
namespace {

constexpr const char* kStepPrefix = "step_";
constexpr const char* kStagingSuffix = ".tmp";
constexpr const char* kRemovalSuffix = ".old";

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string checkpoints_dir(const std::string& run_dir) {
  return (std::filesystem::path(run_dir) / "checkpoints").string();
}

std::string step_folder_name(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof(name), "%s%08lld", kStepPrefix, static_cast<long long>(step));
  return name;
}

std::string rank_file_name(int rank) {
  char name[32];
  std::snprintf(name, sizeof(name), "rank_%05d.h5", rank);
  return name;
}

std::string step_folder(const std::string& run_dir, int64_t step) {
  return (std::filesystem::path(checkpoints_dir(run_dir)) / step_folder_name(step)).string();
}

std::string staging_folder(const std::string& run_dir, int64_t step) {
  return step_folder(run_dir, step) + kStagingSuffix;
}

std::string removal_folder(const std::string& run_dir, int64_t step) {
  return step_folder(run_dir, step) + kRemovalSuffix;
}

bool parse_step_folder_name(const std::string& name, int64_t* step) {
  const std::string prefix = kStepPrefix;
  if (name.compare(0, prefix.size(), prefix) != 0) return false;
  std::string digits = name.substr(prefix.size());
  if (digits.size() < 8 || digits.size() > 18) return false;
  for (char c : digits)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  *step = std::stoll(digits);
  return true;
}

bool parse_rank_file_name(const std::string& name, int* rank) {
  if (name.size() != 13 || name.compare(0, 5, "rank_") != 0 || name.compare(10, 3, ".h5") != 0) return false;
  for (size_t i = 5; i < 10; ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  *rank = std::stoi(name.substr(5, 5));
  return true;
}

bool is_transient_folder_name(const std::string& name) {
  int64_t step = 0;
  for (const std::string suffix : {kStagingSuffix, kRemovalSuffix})
    if (ends_with(name, suffix) && parse_step_folder_name(name.substr(0, name.size() - suffix.size()), &step))
      return true;
  return false;
}

std::vector<std::string> checkpoint_file_names(int world_size) {
  std::vector<std::string> names{kModelFileName};
  for (int r = 0; r < world_size; ++r) names.push_back(rank_file_name(r));
  return names;
}

}  // namespace recur::checkpoints
