// ARC augmentation: a dihedral transform plus a colour permutation that keeps
// colour 0 (black background) fixed, applied to every grid of a task.
//
// A version of a task is named `TASK|||tK|||PERM` (K the dihedral id 0..7,
// PERM the ten digits of the colour map, new colour = PERM[old colour]); the
// original keeps the plain task name. The scorer parses these names back to
// undo the augmentation on predictions: first the inverse dihedral, then the
// inverse colour map (the two commute).
//
// sample_task_augmentations draws up to `count` versions that change the task
// (deduplicated on the augmented content: the identity is taken first, and two
// draws that give the same set of pairs count once), with at most 5 * count
// tries, like the reference builder.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "datasets/arc_task.h"
#include "datasets/rng.h"

namespace recur::datasets {

using ColourMap = std::array<uint8_t, 10>;  // new colour = map[old colour]

inline constexpr const char* kAugmentSeparator = "|||";
inline constexpr int kAugmentTriesFactor = 5;

struct ArcAugmentation {
  int dihedral = 0;
  ColourMap colours{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  bool is_identity() const;
  bool operator==(const ArcAugmentation& o) const { return dihedral == o.dihedral && colours == o.colours; }
};

// A random map with 0 fixed and 1..9 permuted.
ColourMap random_colour_map(Rng& rng);
ColourMap inverse_colour_map(const ColourMap& map);
Grid apply_colour_map(const Grid& grid, const ColourMap& map);

// dihedral(colours[grid]) and its inverse.
Grid augment_grid(const Grid& grid, const ArcAugmentation& aug);
Grid unaugment_grid(const Grid& grid, const ArcAugmentation& aug);

// "TASK|||tK|||PERM", or TASK for the identity.
std::string augmented_name(const std::string& task, const ArcAugmentation& aug);
struct ParsedArcName {
  std::string task;
  ArcAugmentation aug;
};
// Inverse of augmented_name; a plain name is the identity. A malformed
// suffix is an InputError naming the identifier.
ParsedArcName parse_augmented_name(const std::string& name);

// A key equal for two augmented tasks exactly when they hold the same
// multiset of (input, output) pairs (over train and test pairs together).
std::string augmented_task_key(const ArcTask& task, const ArcAugmentation& aug);

struct SampledAugmentations {
  std::vector<ArcAugmentation> versions;  // versions[0] is the identity
  int64_t tries = 0;
};
// The identity plus up to `count` distinct augmentations, drawn from `rng`.
SampledAugmentations sample_task_augmentations(const ArcTask& task, int count, Rng& rng);

}  // namespace recur::datasets
