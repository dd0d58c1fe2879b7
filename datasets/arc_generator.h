// Synthetic ARC-style tasks: small grids and one hidden rule per task, from
// a few families, so that the whole ARC path (building, training, voting,
// adapting to unseen tasks with `recur predict`) can be shown on a CPU.
//
// A task is a family and its parameters, drawn from the seed, with
// --train-pairs demonstrations and --test-pairs test inputs whose outputs
// follow the rule. Input grids are h x w with h, w in [3, max_size], a black
// background and the task's 2..4 other colours on about 40% of the cells,
// each colour in every input: the demonstrations show the rule on every
// colour of the test inputs (a colour map is fully revealed). Families:
//   dihedral   a flip or rotation (one of the 7 non-identity symmetries)
//   colours    a permutation of the colours 1..9 (black stays)
//   translate  every cell moves by (dr, dc), |dr|, |dc| <= 2, not both 0;
//              cells pushed off the grid are lost, vacated cells are black
//   gravity    every coloured cell falls down, up, left or right, keeping
//              the order of the cells of its column (or row)
// Every pair changes under its rule (an input the rule leaves as it is is
// drawn again), so copying the input never solves a task. Task ids are
// <family>-<8 hex digits> from (seed, index): sets drawn with different
// seeds do not share ids.
//
// The tasks are written in the ARC Prize layout (arc_task.h): --out names
// the ..._challenges.json file, the outputs go to the sibling
// ..._solutions.json, so `recur data arc --subsets FILE` and
// `recur predict --challenges FILE` read them as they read the real ones.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/arc_task.h"

namespace recur::datasets {

inline const std::vector<std::string>& arc_generator_families() {
  static const std::vector<std::string> families = {"dihedral", "colours", "translate", "gravity"};
  return families;
}

struct ArcGenerateOptions {
  int64_t tasks = 0;
  std::vector<std::string> families = arc_generator_families();  // drawn in turn: task i is family i % n
  int max_size = 10;  // 3..30
  int train_pairs = 3;
  int test_pairs = 1;
  uint64_t seed = 42;
  std::string out;  // ..._challenges.json
};

// The tasks, in index order; options out of range are InputErrors naming the option.
std::vector<ArcTask> generate_arc_tasks(const ArcGenerateOptions& options);

// The ARC Prize layout of `tasks`: {id: {"train": pairs, "test": [{"input"}...]}}
// and {id: [test output, ...]} (the CLI writes them, atomically).
nlohmann::json arc_challenges_json(const std::vector<ArcTask>& tasks);
nlohmann::json arc_solutions_json(const std::vector<ArcTask>& tasks);

}  // namespace recur::datasets
