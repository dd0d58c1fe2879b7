// COMPLETE manifest (see checkpoint_manifest.h).
#include "checkpoints/checkpoint_manifest.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "checkpoints/atomic_file.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checksum.h"
#include "common/error.h"

namespace recur::checkpoints {
namespace {

std::string complete_path(const std::string& folder) {
  return (std::filesystem::path(folder) / kCompleteFileName).string();
}

// "RUN/checkpoints/step_00000100/" -> "step_00000100".
std::string folder_name(const std::string& folder) {
  std::filesystem::path p = std::filesystem::path(folder).lexically_normal();
  return (p.has_filename() ? p.filename() : p.parent_path().filename()).string();
}

}  // namespace

std::string manifest_to_json(const CheckpointManifest& manifest) {
  nlohmann::ordered_json j;
  j["format"] = kCheckpointFormat;
  j["version"] = kCheckpointVersion;
  j["step"] = manifest.step;
  j["world_size"] = manifest.world_size;
  j["eval"] = manifest.eval;
  j["files"] = nlohmann::ordered_json::object();
  for (const std::string& name : checkpoint_file_names(manifest.world_size))
    j["files"][name] = checksum_to_hex(manifest.files.at(name));
  return j.dump(1) + "\n";
}

CheckpointManifest parse_manifest(const std::string& json_text, const std::string& path) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw InputError(path, "not a valid JSON manifest (corrupt COMPLETE)");
  auto require = [&](const char* key, bool ok) {
    if (!ok) throw InputError(path, std::string("manifest field '") + key + "' is missing or invalid");
  };
  require("format", j.contains("format") && j["format"] == kCheckpointFormat);
  require("version", j.contains("version") && j["version"].is_number_integer());
  if (j["version"].get<int64_t>() != kCheckpointVersion)
    throw InputError(path, "manifest version " + j["version"].dump() + " is not supported by this build");
  require("step", j.contains("step") && j["step"].is_number_integer() && j["step"].get<int64_t>() >= 0);
  require("world_size", j.contains("world_size") && j["world_size"].is_number_integer() && j["world_size"].get<int64_t>() >= 1);
  require("eval", j.contains("eval") && j["eval"].is_boolean());
  require("files", j.contains("files") && j["files"].is_object());

  CheckpointManifest m;
  m.step = j["step"].get<int64_t>();
  m.world_size = j["world_size"].get<int>();
  m.eval = j["eval"].get<bool>();
  for (const std::string& name : checkpoint_file_names(m.world_size)) {
    uint64_t checksum = 0;
    if (!j["files"].contains(name) || !j["files"][name].is_string() ||
        !checksum_from_hex(j["files"][name].get<std::string>(), &checksum))
      throw InputError(path, "manifest has no valid checksum for " + name);
    m.files[name] = checksum;
  }
  if (j["files"].size() != m.files.size())
    throw InputError(path, "manifest lists files that do not belong to a " + std::to_string(m.world_size) +
                               "-rank checkpoint");
  return m;
}

CheckpointManifest read_manifest(const std::string& folder) {
  std::string path = complete_path(folder);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::is_directory(folder)) throw InputError(folder, "no such checkpoint folder");
    throw InputError(path, "missing: the checkpoint was never completed (interrupted write?)");
  }
  std::stringstream text;
  text << in.rdbuf();
  CheckpointManifest m = parse_manifest(text.str(), path);
  int64_t folder_step = -1;
  if (parse_step_folder_name(folder_name(folder), &folder_step) && folder_step != m.step)
    throw InputError(path, "manifest says step " + std::to_string(m.step) + " but the folder is " + folder_name(folder));
  return m;
}

void write_manifest(const std::string& folder, const CheckpointManifest& manifest) {
  std::string text = manifest_to_json(manifest);
  write_file_atomically(complete_path(folder), text.data(), text.size());
}

}  // namespace recur::checkpoints
