// ARC dihedral + colour augmentation (see arc_augmentation.h).
#include "datasets/arc_augmentation.h"

#include <algorithm>
#include <unordered_set>

#include "common/error.h"

namespace recur::datasets {
namespace {

// Shape and cells, so grids of different shapes never share bytes.
void append_grid(std::string& out, const Grid& g) {
  out.push_back(static_cast<char>(g.rows));
  out.push_back(static_cast<char>(g.cols));
  out.append(g.cells.begin(), g.cells.end());
}

}  // namespace

bool ArcAugmentation::is_identity() const { return *this == ArcAugmentation{}; }

ColourMap random_colour_map(Rng& rng) {
  std::vector<uint8_t> rest{1, 2, 3, 4, 5, 6, 7, 8, 9};
  rng.shuffle(rest);
  ColourMap map{};
  std::copy(rest.begin(), rest.end(), map.begin() + 1);
  return map;
}

ColourMap inverse_colour_map(const ColourMap& map) {
  ColourMap inv{};
  for (int c = 0; c < 10; ++c) inv[map[c]] = static_cast<uint8_t>(c);
  return inv;
}

Grid apply_colour_map(const Grid& grid, const ColourMap& map) {
  Grid out = grid;
  for (uint8_t& c : out.cells) c = map[c];
  return out;
}

Grid augment_grid(const Grid& grid, const ArcAugmentation& aug) {
  Grid out = dihedral_transform(grid, aug.dihedral);  // colours commute with the transform
  for (uint8_t& c : out.cells) c = aug.colours[c];
  return out;
}

Grid unaugment_grid(const Grid& grid, const ArcAugmentation& aug) {
  return apply_colour_map(dihedral_transform(grid, dihedral_inverse(aug.dihedral)), inverse_colour_map(aug.colours));
}

std::string augmented_name(const std::string& task, const ArcAugmentation& aug) {
  if (aug.is_identity()) return task;
  std::string name = task + kAugmentSeparator + "t" + std::to_string(aug.dihedral) + kAugmentSeparator;
  for (uint8_t c : aug.colours) name.push_back(static_cast<char>('0' + c));
  return name;
}

ParsedArcName parse_augmented_name(const std::string& name) {
  const std::string sep = kAugmentSeparator;
  const size_t first = name.find(sep);
  if (first == std::string::npos) return {name, ArcAugmentation{}};
  auto bad = [&] {
    return InputError(name, "malformed augmented puzzle name (expected TASK|||tK|||PERM, K in 0..7, PERM 10 digits)");
  };
  const size_t second = name.find(sep, first + sep.size());
  if (second == std::string::npos) throw bad();
  const std::string t = name.substr(first + sep.size(), second - first - sep.size());
  const std::string perm = name.substr(second + sep.size());
  if (t.size() != 2 || t[0] != 't' || t[1] < '0' || t[1] > '7' || perm.size() != 10) throw bad();
  ParsedArcName parsed{name.substr(0, first), ArcAugmentation{t[1] - '0', {}}};
  std::array<bool, 10> used{};
  for (int c = 0; c < 10; ++c) {
    if (perm[c] < '0' || perm[c] > '9' || used[perm[c] - '0']) throw bad();
    used[perm[c] - '0'] = true;
    parsed.aug.colours[c] = static_cast<uint8_t>(perm[c] - '0');
  }
  return parsed;
}

std::string augmented_task_key(const ArcTask& task, const ArcAugmentation& aug) {
  std::vector<std::string> pairs;
  for (const auto* list : {&task.train, &task.test}) {
    for (const ArcPair& p : *list) {
      std::string s;
      append_grid(s, augment_grid(p.input, aug));
      append_grid(s, augment_grid(p.output, aug));
      pairs.push_back(std::move(s));
    }
  }
  std::sort(pairs.begin(), pairs.end());
  std::string key;
  for (const auto& s : pairs) key += s;
  return key;
}

SampledAugmentations sample_task_augmentations(const ArcTask& task, int count, Rng& rng) {
  SampledAugmentations out;
  out.versions.push_back(ArcAugmentation{});
  std::unordered_set<std::string> seen{augmented_task_key(task, ArcAugmentation{})};
  const int64_t max_tries = int64_t(kAugmentTriesFactor) * count;
  while (static_cast<int>(out.versions.size()) < count + 1 && out.tries < max_tries) {
    ++out.tries;
    ArcAugmentation aug;
    aug.dihedral = static_cast<int>(rng.uniform(kNumDihedral));
    aug.colours = random_colour_map(rng);
    if (seen.insert(augmented_task_key(task, aug)).second) out.versions.push_back(aug);
  }
  return out;
}

}  // namespace recur::datasets
