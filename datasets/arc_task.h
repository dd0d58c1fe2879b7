// ARC tasks: reading and validating the public JSON task folders.
//
// A task file is {"train": [pair...], "test": [pair...]} with pair =
// {"input": grid, "output": grid} and grid = rows of colours 0..9, 1..30 on
// each side (unknown keys such as "name" are ignored). A subset folder holds
// task files directly (ARC-AGI training/evaluation) or one level down
// (ConceptARC: <Concept>/<Concept>N.json). Everything is validated here, so
// the builder can trust its input; a bad file is an InputError naming the
// file and the pair.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "datasets/dihedral.h"

namespace recur::datasets {

inline constexpr int kArcMaxGridSize = 30;

struct ArcPair {
  Grid input;
  Grid output;
};

struct ArcTask {
  std::string name;            // the file name without .json, e.g. "007bbfb7"
  std::vector<ArcPair> train;  // demonstration pairs
  std::vector<ArcPair> test;
};

// Parses one task; `file` names it in errors.
ArcTask parse_arc_task(const std::string& json_text, const std::string& name, const std::string& file);
ArcTask load_arc_task(const std::string& path);

struct ArcSubset {
  std::string dir;
  std::vector<ArcTask> tasks;  // sorted by path relative to dir
  std::string sha256;          // over the sorted (relative path, file SHA-256) list
};

// Loads every task of a folder; a missing or empty folder is an InputError.
ArcSubset load_arc_subset(const std::string& dir);

// A grid as ARC JSON: a list of rows of colours.
nlohmann::json grid_to_json(const Grid& grid);

// The task as ARC JSON ({"train": [...], "test": [...]}).
nlohmann::json arc_task_to_json(const ArcTask& task);

}  // namespace recur::datasets
