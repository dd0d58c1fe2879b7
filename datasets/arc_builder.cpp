// The ARC dataset builder (see arc_builder.h).
#include "datasets/arc_builder.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "datasets/arc_augmentation.h"
#include "datasets/arc_encoding.h"
#include "datasets/arc_task.h"
#include "datasets/parallel_for.h"
#include "datasets/puzzle_file_writer.h"

namespace recur::datasets {
namespace {

namespace fs = std::filesystem;

// Stream ids: what a random draw is about (see rng.h).
enum : uint64_t { kStreamAugment = 1, kStreamAnchorExample = 2, kStreamTranslate = 3 };

// One task as the builder lays it out.
struct TaskPlan {
  const ArcTask* task = nullptr;
  uint64_t key = 0;                         // hash of the task name, keys its random streams
  std::vector<const ArcPair*> train_pairs;  // examples of each puzzle in the train split
  std::vector<const ArcPair*> test_pairs;   // ... and in the test split (test-set tasks only)
  std::vector<ArcAugmentation> versions;    // versions[0] is the original
  int32_t first_identifier = 0;
};

// Per split: which task and version each puzzle is, next to the CSR index.
struct SplitLayout {
  SplitIndex index;
  std::vector<int32_t> puzzle_task;
  std::vector<int32_t> puzzle_version;
};

// Every grid of every task fits the canvas (augmentations only swap sides).
void check_canvas(const std::vector<ArcSubset>& subsets, int canvas) {
  for (const ArcSubset& s : subsets) {
    for (const ArcTask& t : s.tasks) {
      for (const auto* pairs : {&t.train, &t.test}) {
        for (const ArcPair& p : *pairs) {
          const int side = std::max({p.input.rows, p.input.cols, p.output.rows, p.output.cols});
          if (side > canvas)
            throw InputError(s.dir, "task " + t.name + " has a grid with a side of " + std::to_string(side) +
                                        ", larger than the canvas (--canvas " + std::to_string(canvas) + ")");
        }
      }
    }
  }
}

std::vector<ArcSubset> load_subsets(const ArcBuildOptions& o, size_t* test_subset) {
  if (o.subsets.empty()) throw InputError("--subsets", "give at least one ARC task folder or challenges file");
  if (o.augment < 0) throw InputError("--augment", "must be 0 or more");
  if (o.canvas < 2 || o.canvas > kArcCanvasSize)
    throw InputError("--canvas", "must be in [2, 30], got " + std::to_string(o.canvas));
  std::vector<ArcSubset> subsets;
  std::error_code ec;
  *test_subset = o.subsets.size();
  for (size_t i = 0; i < o.subsets.size(); ++i) {
    const bool is_test = fs::weakly_canonical(o.subsets[i], ec) == fs::weakly_canonical(o.test_set, ec);
    subsets.push_back(load_arc_subset(o.subsets[i], is_test ? o.test_solutions : ""));
    if (is_test) *test_subset = i;
  }
  if (*test_subset == o.subsets.size()) {
    throw InputError("--test-set", o.test_set +
                                       " must also be one of the --subsets (its demonstrations are "
                                       "trained on, its test pairs form the test split)");
  }
  std::map<std::string, std::string> owner;  // task name -> folder
  for (const ArcSubset& s : subsets) {
    for (const ArcTask& t : s.tasks) {
      if (auto [it, inserted] = owner.emplace(t.name, s.dir); !inserted) {
        throw InputError(s.dir, "task " + t.name + " is also in " + it->second +
                                    " (task names identify puzzles, so they must be unique)");
      }
    }
  }
  check_canvas(subsets, o.canvas);
  return subsets;
}

std::vector<TaskPlan> plan_tasks(const std::vector<ArcSubset>& subsets, size_t test_subset) {
  std::vector<TaskPlan> plans;
  for (size_t s = 0; s < subsets.size(); ++s) {
    for (const ArcTask& t : subsets[s].tasks) {
      TaskPlan p;
      p.task = &t;
      p.key = hash_name(t.name);
      for (const ArcPair& pair : t.train) p.train_pairs.push_back(&pair);
      for (const ArcPair& pair : t.test) {
        if (s == test_subset) {
          p.test_pairs.push_back(&pair);
        } else if (pair.has_output()) {  // an unknown output teaches nothing
          p.train_pairs.push_back(&pair);
        }
      }
      plans.push_back(std::move(p));
    }
  }
  return plans;
}

SplitLayout layout_split(const std::vector<TaskPlan>& plans, bool test) {
  SplitLayout l;
  for (size_t t = 0; t < plans.size(); ++t) {
    const TaskPlan& p = plans[t];
    const size_t examples = (test ? p.test_pairs : p.train_pairs).size();
    if (examples == 0) continue;
    for (size_t v = 0; v < p.versions.size(); ++v) {
      l.index.puzzle_identifiers.push_back(p.first_identifier + static_cast<int32_t>(v));
      l.index.puzzle_indices.push_back(l.index.puzzle_indices.back() + static_cast<int64_t>(examples));
      l.puzzle_task.push_back(static_cast<int32_t>(t));
      l.puzzle_version.push_back(static_cast<int32_t>(v));
    }
    l.index.group_indices.push_back(l.index.num_puzzles());
  }
  return l;
}

// Where example `example` of a train puzzle sits on the canvas: one random
// example per puzzle (the anchor) stays at the top-left, the others move to a
// random offset where both its grids fit.
std::pair<int, int> train_offset(uint64_t seed, int canvas, const TaskPlan& p, int version, int example,
                                 const Grid& in, const Grid& out) {
  Rng anchor_rng({seed, p.key, uint64_t(version), kStreamAnchorExample});
  if (static_cast<int>(anchor_rng.uniform(p.train_pairs.size())) == example) return {0, 0};
  Rng rng({seed, p.key, uint64_t(version), uint64_t(example), kStreamTranslate});
  const int row0 = int(rng.uniform(canvas - std::max(in.rows, out.rows) + 1));
  const int col0 = int(rng.uniform(canvas - std::max(in.cols, out.cols) + 1));
  return {row0, col0};
}

RowEncoder make_encoder(const std::vector<TaskPlan>& plans, const SplitLayout& layout, bool test, uint64_t seed,
                        int canvas) {
  const int64_t seq_len = int64_t(canvas) * canvas;
  return [&plans, &layout, test, seed, canvas, seq_len](int64_t begin, int64_t end, uint8_t* inputs,
                                                          uint8_t* labels) {
    const auto& offsets = layout.index.puzzle_indices;
    size_t puzzle = std::upper_bound(offsets.begin(), offsets.end(), begin) - offsets.begin() - 1;
    for (int64_t row = begin; row < end; ++row) {
      while (row >= offsets[puzzle + 1]) ++puzzle;
      const TaskPlan& p = plans[layout.puzzle_task[puzzle]];
      const int version = layout.puzzle_version[puzzle];
      const int example = static_cast<int>(row - offsets[puzzle]);
      const ArcPair& pair = *(test ? p.test_pairs : p.train_pairs)[example];
      const Grid in = augment_grid(pair.input, p.versions[version]);
      const Grid out = augment_grid(pair.output, p.versions[version]);
      const auto [row0, col0] = test ? std::pair{0, 0} : train_offset(seed, canvas, p, version, example, in, out);
      encode_arc_grid(in, row0, col0, inputs + (row - begin) * seq_len, canvas);
      encode_arc_grid(out, row0, col0, labels + (row - begin) * seq_len, canvas);
    }
  };
}

std::string builder_json(const ArcBuildOptions& o, const std::vector<ArcSubset>& subsets) {
  nlohmann::json sources = nlohmann::json::array();
  for (const ArcSubset& s : subsets) {
    nlohmann::json source = {{"folder", s.dir}, {"tasks", s.tasks.size()}, {"sha256", s.sha256}};
    if (!s.solutions.empty()) source["solutions"] = s.solutions;
    sources.push_back(std::move(source));
  }
  return nlohmann::json{
      {"command", "recur data arc"},
      {"arguments",
       {{"subsets", o.subsets}, {"test_set", o.test_set}, {"augment", o.augment}, {"seed", o.seed}, {"canvas", o.canvas}}},
      {"seed", o.seed},
      {"sources", sources}}
      .dump();
}

}  // namespace

ArcBuildReport build_arc_dataset(const ArcBuildOptions& o) {
  size_t test_subset = 0;
  const std::vector<ArcSubset> subsets = load_subsets(o, &test_subset);
  std::vector<TaskPlan> plans = plan_tasks(subsets, test_subset);
  parallel_for(static_cast<int64_t>(plans.size()), o.threads, [&](int64_t t) {
    Rng rng({o.seed, plans[t].key, kStreamAugment});
    plans[t].versions = sample_task_augmentations(*plans[t].task, o.augment, rng).versions;
  });

  PuzzleFileContents contents;
  contents.identifiers.push_back(kBlankIdentifier);
  ArcBuildReport report;
  nlohmann::json test_puzzles = nlohmann::json::object();
  for (TaskPlan& p : plans) {
    p.first_identifier = static_cast<int32_t>(contents.identifiers.size());
    for (const ArcAugmentation& aug : p.versions) contents.identifiers.push_back(augmented_name(p.task->name, aug));
    if (static_cast<int>(p.versions.size()) < o.augment + 1) report.not_full.push_back(p.task->name);
    if (!p.test_pairs.empty()) test_puzzles[p.task->name] = arc_task_to_json(*p.task);
  }
  const SplitLayout train = layout_split(plans, false), test = layout_split(plans, true);
  contents.header = {kArcVocabSize,
                     int64_t(o.canvas) * o.canvas,
                     kArcPadToken,
                     /*ignore_label_id=*/kArcPadToken,
                     /*blank_identifier_id=*/0,
                     static_cast<int64_t>(contents.identifiers.size()),
                     builder_json(o, subsets)};
  contents.train = {train.index, make_encoder(plans, train, false, o.seed, o.canvas)};
  contents.test = {test.index, make_encoder(plans, test, true, o.seed, o.canvas)};
  contents.test_puzzles_json = test_puzzles.dump();
  write_puzzle_file(o.out, contents, o.threads);

  report.tasks = static_cast<int64_t>(plans.size());
  report.test_tasks = test.index.num_groups();
  report.train = train.index.metadata();
  report.test = test.index.metadata();
  report.num_puzzle_identifiers = contents.header.num_puzzle_identifiers;
  return report;
}

}  // namespace recur::datasets
