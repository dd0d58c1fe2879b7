// Checkpoint descriptions for `recur inspect` (see checkpoint_inspect.h).
#include "checkpoints/checkpoint_inspect.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_manifest.h"
#include "checkpoints/checksum.h"
#include "common/error.h"

namespace recur::checkpoints {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kBufferListRecord = "model_buffers";
constexpr const char* kConfigRecord = "config";

json record_json(const Record& record) {
  return std::visit([](const auto& value) { return json(value); }, record);
}

int64_t numel(const std::vector<int64_t>& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

// One bundle file: per-group totals, every tensor, records (config apart).
json describe_file(const std::string& path, json* top) {
  json d;
  d["file"] = fs::path(path).filename().string();
  BundleSummary summary;
  try {
    summary = read_bundle_summary(path);
  } catch (const InputError& e) {
    d["error"] = e.what();
    return d;
  }
  d["checksum"] = checksum_to_hex(summary.checksum);
  json groups = json::object(), tensors = json::array();
  for (const auto& [name, meta] : summary.tensors) {
    std::string group = name.substr(0, name.find('/'));
    json& g = groups[group];
    if (g.is_null()) g = {{"tensors", 0}, {"elements", 0}};
    g["tensors"] = g["tensors"].get<int64_t>() + 1;
    g["elements"] = g["elements"].get<int64_t>() + numel(meta.sizes);
    tensors.push_back({{"name", name}, {"dtype", dtype_name(meta.dtype)}, {"shape", meta.sizes}});
  }
  d["groups"] = groups;
  d["tensors"] = tensors;
  json records = json::object();
  for (const auto& [key, record] : summary.records) {
    if (key == kConfigRecord && std::holds_alternative<std::string>(record)) {
      (*top)["config"] = std::get<std::string>(record);
    } else {
      records[key] = record_json(record);
    }
  }
  d["records"] = records;
  return d;
}

// Fills "parameters" and "parameter_rule" of `top` from a described model.h5.
void count_parameters(const json& model, json* top) {
  if (!model.contains("tensors")) return;
  std::set<std::string> buffers;
  bool listed = model["records"].contains(kBufferListRecord);
  if (listed)
    for (const auto& name : model["records"][kBufferListRecord]) buffers.insert("model/" + name.get<std::string>());
  int64_t count = 0;
  for (const auto& t : model["tensors"]) {
    std::string name = t["name"];
    if (name.rfind("model/", 0) == 0 && !buffers.count(name)) count += numel(t["shape"].get<std::vector<int64_t>>());
  }
  (*top)["parameters"] = count;
  (*top)["parameter_rule"] = listed ? "every /model tensor except the " + std::to_string(buffers.size()) +
                                          " buffers listed in model_buffers"
                                    : "every /model tensor (the file lists no model_buffers)";
}

json describe_folder(const std::string& folder) {
  json top;
  top["checkpoint"] = folder;
  std::vector<std::string> files;  // kept sorted: model.h5 < rank_00000.h5 < ...
  try {
    CheckpointManifest m = read_manifest(folder);
    top["complete"] = true;
    top["step"] = m.step;
    top["world_size"] = m.world_size;
    top["eval"] = m.eval;
    for (const auto& entry : m.files) files.push_back(entry.first);
  } catch (const InputError& e) {
    top["complete"] = false;
    top["problem"] = e.what();
    for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
      std::string name = entry.path().filename().string();
      int rank = 0;
      if (name == kModelFileName || parse_rank_file_name(name, &rank)) files.push_back(name);
    }
    std::sort(files.begin(), files.end());
  }
  top["config"] = nullptr;
  top["ranks"] = json::array();
  for (const std::string& name : files) {
    json d = describe_file((fs::path(folder) / name).string(), &top);
    if (name == kModelFileName) {
      count_parameters(d, &top);
      if (!top.contains("step") && d["records"].contains("step")) top["step"] = d["records"]["step"];
      top["model"] = d;
    } else {
      int rank = 0;
      parse_rank_file_name(name, &rank);
      d["rank"] = rank;
      top["ranks"].push_back(d);
    }
  }
  return top;
}

std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

std::string shape_text(const json& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i].get<int64_t>());
  return s + "]";
}

void print_file(std::ostringstream& out, const std::string& label, const json& d, bool list_tensors) {
  out << label << "  " << d["file"].get<std::string>();
  if (d.contains("error")) {
    out << "  ERROR: " << d["error"].get<std::string>() << "\n";
    return;
  }
  out << "  (checksum " << d["checksum"].get<std::string>() << ")\n";
  for (const auto& [group, g] : d["groups"].items())
    out << "    " << group << ": " << g["tensors"].get<int64_t>() << " tensors, "
        << with_commas(g["elements"].get<int64_t>()) << " elements\n";
  if (list_tensors)
    for (const auto& t : d["tensors"])
      out << "    " << t["name"].get<std::string>() << "  " << t["dtype"].get<std::string>() << " "
          << shape_text(t["shape"]) << "\n";
  for (const auto& [key, value] : d["records"].items()) out << "    " << key << " = " << value.dump() << "\n";
}

}  // namespace

bool is_checkpoint_path(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    int64_t step = 0;
    std::string name = p.lexically_normal().filename().string();
    return parse_step_folder_name(name, &step) || fs::exists(p / kCompleteFileName) || fs::exists(p / kModelFileName);
  }
  if (!fs::is_regular_file(p, ec)) return false;
  if (p.filename() == kCompleteFileName) return true;
  try {
    read_bundle_summary(path);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

nlohmann::json describe_checkpoint(const std::string& path) {
  fs::path p(path);
  if (fs::is_directory(p)) return describe_folder(path);
  if (!fs::exists(p)) throw InputError(path, "no such checkpoint file or folder");
  if (p.filename() == kCompleteFileName || fs::exists(p.parent_path() / kCompleteFileName))
    return describe_folder(p.parent_path().empty() ? "." : p.parent_path().string());
  read_bundle_summary(path);  // a lone bundle file: if unreadable, that is the answer
  json top;
  top["config"] = nullptr;
  json d = describe_file(path, &top);
  top["file"] = d;
  count_parameters(d, &top);
  return top;
}

std::string format_checkpoint_description(const nlohmann::json& j) {
  std::ostringstream out;
  if (j.contains("checkpoint")) {
    out << "checkpoint  " << j["checkpoint"].get<std::string>() << "\n";
    out << "status      "
        << (j["complete"].get<bool>() ? std::string("complete") + (j.value("eval", false) ? " (eval checkpoint)" : "")
                                      : "INCOMPLETE: " + j["problem"].get<std::string>())
        << "\n";
  }
  if (j.contains("step")) out << "step        " << j["step"].dump() << "\n";
  if (j.contains("world_size")) out << "world size  " << j["world_size"].get<int64_t>() << "\n";
  if (j.contains("parameters"))
    out << "parameters  " << with_commas(j["parameters"].get<int64_t>()) << "  (" << j["parameter_rule"].get<std::string>()
        << ")\n";
  if (j.contains("model")) print_file(out, "model      ", j["model"], false);
  if (j.contains("file")) print_file(out, "file       ", j["file"], true);
  if (j.contains("ranks"))
    for (const auto& r : j["ranks"]) print_file(out, "rank " + std::to_string(r["rank"].get<int>()) + "     ", r, true);
  if (j.contains("config") && j["config"].is_string()) {
    out << "config:\n";
    std::istringstream lines(j["config"].get<std::string>());
    for (std::string line; std::getline(lines, line);) out << "  " << line << "\n";
  }
  return out.str();
}

}  // namespace recur::checkpoints
