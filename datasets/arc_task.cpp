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

std::vector<ArcPair> parse_pairs(const json& task, const char* key, const std::string& file, bool output_required) {
  if (!task.contains(key) || !task[key].is_array() || task[key].empty()) {
    throw InputError(file, std::string("needs a non-empty \"") + key + "\" list of pairs");
  }
  std::vector<ArcPair> pairs;
  const json& list = task[key];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string what = std::string(key) + " pair " + std::to_string(i);
    if (!list[i].is_object()) throw InputError(file, what + " is not an object");
    for (const char* side : {"input", "output"}) {
      if (!list[i].contains(side) && (output_required || side == std::string("input")))
        throw InputError(file, what + " has no \"" + side + "\" grid");
    }
    ArcPair pair{parse_grid(list[i]["input"], file, what + " input"), Grid{}};
    if (list[i].contains("output")) pair.output = parse_grid(list[i]["output"], file, what + " output");
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

json parse_json_file(const std::string& path, const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw InputError(path, std::string("malformed JSON: ") + e.what());
  }
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

ArcTask parse_task_object(const json& task, const std::string& name, const std::string& file, bool output_required) {
  if (!task.is_object()) throw InputError(file, "is not a JSON object with \"train\" and \"test\" lists");
  return ArcTask{name, parse_pairs(task, "train", file, true), parse_pairs(task, "test", file, output_required)};
}

std::string sha256_of(const std::string& text) {
  Sha256 digest;
  digest.update(text);
  return digest.hex_digest();
}

// Sets each task's test outputs from an ARC Prize solutions object.
void read_solutions(const std::string& path, std::vector<ArcTask>& tasks, const std::string& text) {
  const json solutions = parse_json_file(path, text);
  if (!solutions.is_object()) throw InputError(path, "is not a JSON object of task id -> list of test outputs");
  std::map<std::string, ArcTask*> by_name;
  for (ArcTask& t : tasks) by_name[t.name] = &t;
  for (const auto& [name, outputs] : solutions.items()) {
    if (!by_name.count(name)) throw InputError(path, "task " + name + " is not in the challenges file");
  }
  for (ArcTask& t : tasks) {
    const std::string where = path + ": task " + t.name;
    if (!solutions.contains(t.name)) throw InputError(path, "task " + t.name + " is missing (the challenges file has it)");
    const json& outputs = solutions[t.name];
    if (!outputs.is_array() || outputs.size() != t.test.size())
      throw InputError(where, "has " + (outputs.is_array() ? std::to_string(outputs.size()) : std::string("no list of")) +
                                  " test outputs, but the challenges file has " + std::to_string(t.test.size()) +
                                  " test inputs");
    for (size_t i = 0; i < outputs.size(); ++i)
      t.test[i].output = parse_grid(outputs[i], where, "test output " + std::to_string(i));
  }
}

ArcSubset load_arc_challenges(const std::string& path, const std::string& solutions_path) {
  const std::string text = read_text(path);
  const json challenges = parse_json_file(path, text);
  if (!challenges.is_object() || challenges.empty())
    throw InputError(path, "is not a non-empty JSON object of task id -> task");
  // The order of a folder of <id>.json files (load_arc_subset), so both layouts agree.
  std::vector<std::string> names;
  for (const auto& [name, task] : challenges.items()) names.push_back(name);
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return a + ".json" < b + ".json"; });
  ArcSubset subset{path, "", {}, {}};
  for (const std::string& name : names)
    subset.tasks.push_back(parse_task_object(challenges[name], name, path + ": task " + name, /*output_required=*/false));
  std::string digest_text = fs::path(path).filename().string() + '\0' + sha256_of(text) + '\n';
  const std::string solutions = solutions_path.empty() ? arc_solutions_path(path) : solutions_path;
  if (!solutions_path.empty() && !fs::exists(solutions)) throw InputError(solutions, "no such solutions file");
  if (fs::exists(solutions)) {
    const std::string solutions_text = read_text(solutions);
    read_solutions(solutions, subset.tasks, solutions_text);
    subset.solutions = solutions;
    digest_text += fs::path(solutions).filename().string() + '\0' + sha256_of(solutions_text) + '\n';
  }
  subset.sha256 = sha256_of(digest_text);
  return subset;
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

ArcTask parse_arc_task(const std::string& json_text, const std::string& name, const std::string& file,
                       TestOutputs test_outputs) {
  const json task = parse_json_file(file, json_text);
  return parse_task_object(task, name, file, test_outputs == TestOutputs::kRequired);
}

ArcTask load_arc_task(const std::string& path) {
  return parse_arc_task(read_text(path), fs::path(path).stem().string(), path);
}

bool is_arc_challenges_file(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  const std::string suffix = "challenges.json";
  return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string arc_solutions_path(const std::string& challenges_path) {
  const fs::path p(challenges_path);
  std::string name = p.filename().string();
  name.replace(name.rfind("challenges"), std::string("challenges").size(), "solutions");
  return (p.parent_path() / name).string();
}

ArcSubset load_arc_subset(const std::string& dir, const std::string& solutions) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) throw InputError(dir, "no such folder or file");
  if (fs::is_regular_file(dir, ec) && is_arc_challenges_file(dir)) return load_arc_challenges(dir, solutions);
  if (!solutions.empty()) throw InputError(solutions, "solutions go with an ARC Prize challenges file, not a folder");
  if (!fs::is_directory(dir, ec))
    throw InputError(dir, "is neither a folder of ARC task .json files nor an ARC Prize ..._challenges.json file");
  const std::vector<fs::path> files = task_files(dir);
  if (files.empty()) throw InputError(dir, "no .json task files (looked in the folder and its subfolders)");
  ArcSubset subset{dir, "", {}, {}};
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
    for (const ArcPair& p : *pairs) {
      json pair = {{"input", grid_to_json(p.input)}};
      if (p.has_output()) pair["output"] = grid_to_json(p.output);
      list.push_back(std::move(pair));
    }
    out[key] = std::move(list);
  }
  return out;
}

}  // namespace recur::datasets
