// `recur data arc`: ARC task folders or ARC Prize challenges files -> one
// augmented puzzle file.
//
// The reference protocol (trm.md 6.3, hrm.md 7.3):
// - Split rule: the --test-set folder's demonstration pairs go to the train
//   split and its test pairs to the test split; every other folder gives all
//   its pairs to train (test pairs of unknown output excepted). The test set
//   must be one of the --subsets. A test set without solutions gives a test
//   split whose labels are all ignored: it is predicted, not scored.
// - Each task is one group; its original and up to --augment deduplicated
//   dihedral + colour versions are its puzzles, each with its own identifier
//   shared by both splits (names in arc_augmentation.h).
// - Train examples are translated on the canvas (one random example per
//   puzzle stays at the top-left); test examples always sit at the top-left.
//   A grid larger than the canvas is an InputError naming the task.
//
// Determinism: every random choice comes from a stream keyed by (seed, task
// name, ...), tasks are processed in parallel but laid out in a fixed order
// (folders as given, tasks by relative path, versions in draw order), so the
// same arguments give a byte-identical file whatever --threads says.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "datasets/puzzle_file.h"

namespace recur::datasets {

struct ArcBuildOptions {
  std::vector<std::string> subsets;
  std::string test_set;
  std::string test_solutions;  // solutions of a --test-set challenges file, when not its sibling
  std::string out;
  int augment = 1000;
  uint64_t seed = 42;
  int canvas = 30;  // side of the square canvas (arc_encoding.h): seq_len = canvas * canvas
  int threads = 1;
};

struct ArcBuildReport {
  int64_t tasks = 0;
  int64_t test_tasks = 0;
  SplitMetadata train;
  SplitMetadata test;
  int64_t num_puzzle_identifiers = 0;
  std::vector<std::string> not_full;  // tasks that got fewer than --augment versions
};

ArcBuildReport build_arc_dataset(const ArcBuildOptions& options);

}  // namespace recur::datasets
