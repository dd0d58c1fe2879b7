// ARC tasks: reading and validating the public JSON task sets, in both
// layouts they are published in.
//
// A task is {"train": [pair...], "test": [pair...]} with pair =
// {"input": grid, "output": grid} and grid = rows of colours 0..9, 1..30 on
// each side (unknown keys such as "name" are ignored). A subset is either
//  - a folder of task files, directly (ARC-AGI training/evaluation) or one
//    level down (ConceptARC: <Concept>/<Concept>N.json), a task per file
//    named after it; or
//  - an ARC Prize challenges file (`..._challenges.json`, URM's copies
//    `...-challenges.json`): one object of task id -> task whose test pairs
//    have inputs only, with the test outputs in the sibling file named with
//    `solutions` for the last `challenges` (id -> list of output grids, one
//    per test input), where it exists. Without it the test outputs are
//    unknown (a competition's hidden test set).
// Tasks are ordered as a folder of <id>.json files would be, so the same
// tasks give the same dataset in either layout. Everything is validated
// here, so the builder can trust its input; a bad file is an InputError
// naming the file, the task and the pair.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "datasets/dihedral.h"

namespace recur::datasets {

inline constexpr int kArcMaxGridSize = 30;

struct ArcPair {
  Grid input;
  Grid output;  // empty (0 x 0) for a test pair whose output is unknown
  bool has_output() const { return output.rows > 0; }
};

struct ArcTask {
  std::string name;            // the file name without .json, e.g. "007bbfb7"
  std::vector<ArcPair> train;  // demonstration pairs
  std::vector<ArcPair> test;
};

// Whether test pairs must have an "output" (task files) or may lack it.
enum class TestOutputs { kRequired, kOptional };

// Parses one task; `file` names it in errors.
ArcTask parse_arc_task(const std::string& json_text, const std::string& name, const std::string& file,
                       TestOutputs test_outputs = TestOutputs::kRequired);
ArcTask load_arc_task(const std::string& path);

struct ArcSubset {
  std::string dir;             // the folder or challenges file, as given
  std::string solutions;       // the solutions file read with a challenges file ("" if none)
  std::vector<ArcTask> tasks;  // a folder's by path relative to it, a file's by id + ".json"
  std::string sha256;          // folder: over the sorted (relative path, file SHA-256) list;
                               // challenges: over the two files' SHA-256
};

// True for a file name ending in "challenges.json".
bool is_arc_challenges_file(const std::string& path);
// The solutions file of a challenges file ("..._challenges.json" -> "..._solutions.json").
std::string arc_solutions_path(const std::string& challenges_path);

// Loads every task of a folder or challenges file; a missing or empty
// subset is an InputError. `solutions` names a challenges file's solutions
// when they are not its sibling (then the file must exist).
ArcSubset load_arc_subset(const std::string& path, const std::string& solutions = "");

// A grid as ARC JSON: a list of rows of colours.
nlohmann::json grid_to_json(const Grid& grid);

// The task as ARC JSON ({"train": [...], "test": [...]}); an unknown test
// output is left out of its pair.
nlohmann::json arc_task_to_json(const ArcTask& task);

}  // namespace recur::datasets
