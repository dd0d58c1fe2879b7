// Reading ARC task JSON (see arc_task.h).
#include "datasets/arc_task.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.h"
#include "datasets/sha256.h"

namespace recur::datasets {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Grid parse_grid(const json& j, const std::string& file, const std::string& what) {
  if (!j.is_array() || j.empty()) throw InputError(file, what + " is not a non-empty list of rows");
  Grid g;
  g.rows = static_cast<int>(j.size());
  for (size_t r = 0; r < j.size(); ++r) {
    const json& row = j[r];
    if (!row.is_array() || row.empty()) {
      throw InputError(file, what + ": row " + std::to_string(r) + " is not a non-empty list of colours");
    }
    if (r == 0) g.cols = static_cast<int>(row.size());
    if (static_cast<int>(row.size()) != g.cols) {
      throw InputError(file, what + ": row " + std::to_string(r) + " has " + std::to_string(row.size()) +
                                 " cells but row 0 has " + std::to_string(g.cols) + " (grid is not rectangular)");
    }
    for (size_t c = 0; c < row.size(); ++c) {
      const json& v = row[c];
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 9) {
        throw InputError(file, what + ": cell (" + std::to_string(r) + ", " + std::to_string(c) + ") is " + v.dump() +
                                   ", colours must be integers 0..9");
      }
      g.cells.push_back(static_cast<uint8_t>(v.get<int>()));
    }
  }
  if (g.rows > kArcMaxGridSize || g.cols > kArcMaxGridSize) {
    throw InputError(file, what + " is " + std::to_string(g.rows) + "x" + std::to_string(g.cols) +
                               ", larger than the 30x30 maximum");
  }
  return g;
}

std::vector<ArcPair> parse_pairs(const json& task, const char* key, const std::string& file) {
  if (!task.contains(key) || !task[key].is_array() || task[key].empty()) {
    throw InputError(file, std::string("needs a non-empty \"") + key + "\" list of pairs");
  }
  std::vector<ArcPair> pairs;
  const json& list = task[key];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string what = std::string(key) + " pair " + std::to_string(i);
    if (!list[i].is_object()) throw InputError(file, what + " is not an object");
    for (const char* side : {"input", "output"}) {
      if (!list[i].contains(side)) throw InputError(file, what + " has no \"" + side + "\" grid");
    }
    pairs.push_back(
        {parse_grid(list[i]["input"], file, what + " input"), parse_grid(list[i]["output"], file, what + " output")});
  }
  return pairs;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot open file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Task files directly in `dir` or one folder below, as paths relative to `dir`.
std::vector<fs::path> task_files(const fs::path& dir) {
  std::vector<fs::path> files;
  auto is_json = [](const fs::directory_entry& e) { return e.is_regular_file() && e.path().extension() == ".json"; };
  for (const auto& e : fs::directory_iterator(dir)) {
    if (is_json(e)) files.push_back(e.path().lexically_relative(dir));
    if (!e.is_directory()) continue;
    for (const auto& sub : fs::directory_iterator(e.path())) {
      if (is_json(sub)) files.push_back(sub.path().lexically_relative(dir));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

json grid_to_json(const Grid& g) {
  json rows = json::array();
  for (int r = 0; r < g.rows; ++r) {
    json row = json::array();
    for (int c = 0; c < g.cols; ++c) row.push_back(g.at(r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

ArcTask parse_arc_task(const std::string& json_text, const std::string& name, const std::string& file) {
  json task;
  try {
    task = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw InputError(file, std::string("malformed JSON: ") + e.what());
  }
  if (!task.is_object()) throw InputError(file, "is not a JSON object with \"train\" and \"test\" lists");
  return ArcTask{name, parse_pairs(task, "train", file), parse_pairs(task, "test", file)};
}

ArcTask load_arc_task(const std::string& path) {
  return parse_arc_task(read_text(path), fs::path(path).stem().string(), path);
}

ArcSubset load_arc_subset(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError(dir, "no such folder");
  if (!fs::is_directory(dir, ec)) throw InputError(dir, "is not a folder of ARC task .json files");
  const std::vector<fs::path> files = task_files(dir);
  if (files.empty()) throw InputError(dir, "no .json task files (looked in the folder and its subfolders)");
  ArcSubset subset{dir, {}, {}};
  Sha256 digest;
  std::map<std::string, std::string> seen;  // task name -> file
  for (const fs::path& rel : files) {
    const fs::path full = fs::path(dir) / rel;
    const std::string text = read_text(full);
    Sha256 file_hash;
    file_hash.update(text);
    digest.update(rel.generic_string() + '\0' + file_hash.hex_digest() + '\n');
    ArcTask task = parse_arc_task(text, rel.stem().string(), full.string());
    if (auto [it, inserted] = seen.emplace(task.name, full.string()); !inserted) {
      throw InputError(full.string(), "task name " + task.name + " is also used by " + it->second);
    }
    subset.tasks.push_back(std::move(task));
  }
  subset.sha256 = digest.hex_digest();
  return subset;
}

nlohmann::json arc_task_to_json(const ArcTask& task) {
  json out = json::object();
  for (const auto& [key, pairs] : {std::pair{"train", &task.train}, std::pair{"test", &task.test}}) {
    json list = json::array();
    for (const ArcPair& p : *pairs)
      list.push_back({{"input", grid_to_json(p.input)}, {"output", grid_to_json(p.output)}});
    out[key] = std::move(list);
  }
  return out;
}

}  // namespace recur::datasets
