// Colour permutations, augmented names and the deduplication of augmented tasks.
#include "datasets/arc_augmentation.h"

#include <gtest/gtest.h>

#include <set>

#include "common/error.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

TEST(ColourMap, KeepsBlackAndPermutesTheRest) {
  Rng rng({1});
  std::set<ColourMap> seen;
  for (int i = 0; i < 50; ++i) {
    const ColourMap m = random_colour_map(rng);
    EXPECT_EQ(m[0], 0);
    EXPECT_EQ(std::set<uint8_t>(m.begin(), m.end()).size(), 10u);
    seen.insert(m);
  }
  EXPECT_GT(seen.size(), 45u);  // 9! maps: 50 draws are almost surely distinct
}

TEST(ColourMap, InverseUndoesTheMap) {
  Rng rng({2});
  const Grid g = testing::make_grid(2, 5, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  for (int i = 0; i < 20; ++i) {
    const ColourMap m = random_colour_map(rng);
    const Grid mapped = apply_colour_map(g, m);
    for (int c = 0; c < 10; ++c) EXPECT_EQ(mapped.cells[c], m[c]);
    EXPECT_EQ(apply_colour_map(mapped, inverse_colour_map(m)), g);
  }
}

TEST(ArcAugmentation, UnaugmentInvertsAugmentForAllTransforms) {
  Rng rng({3});
  const Grid g = testing::make_grid(2, 3, {0, 1, 2, 3, 4, 5});
  for (int t = 0; t < kNumDihedral; ++t) {
    const ArcAugmentation aug{t, random_colour_map(rng)};
    EXPECT_EQ(unaugment_grid(augment_grid(g, aug), aug), g);
    // Colours first, then the transform: the same as transform then colours.
    EXPECT_EQ(augment_grid(g, aug), apply_colour_map(dihedral_transform(g, t), aug.colours));
  }
}

TEST(ArcAugmentation, NamesRoundTrip) {
  const ArcAugmentation aug{3, {0, 4, 1, 6, 2, 9, 8, 3, 5, 7}};
  EXPECT_EQ(augmented_name("abc123", aug), "abc123|||t3|||0416298357");
  const ParsedArcName parsed = parse_augmented_name("abc123|||t3|||0416298357");
  EXPECT_EQ(parsed.task, "abc123");
  EXPECT_EQ(parsed.aug, aug);
  EXPECT_EQ(augmented_name("abc123", ArcAugmentation{}), "abc123");
  EXPECT_TRUE(parse_augmented_name("abc123").aug.is_identity());
}

TEST(ArcAugmentation, MalformedNamesAreInputErrors) {
  for (const char* bad : {"x|||t8|||0123456789", "x|||t1|||012345678", "x|||t1|||0123456788", "x|||t1"}) {
    EXPECT_THROW(parse_augmented_name(bad), InputError) << bad;
  }
}

TEST(ArcAugmentation, TaskKeyIgnoresPairOrderButSeesContent) {
  ArcTask a{"a", {{testing::make_grid(1, 2, {1, 2}), testing::make_grid(1, 1, {3})}, {testing::make_grid(1, 1, {4}), testing::make_grid(1, 1, {5})}}, {}};
  ArcTask b = a;
  std::swap(b.train[0], b.train[1]);
  EXPECT_EQ(augmented_task_key(a, {}), augmented_task_key(b, {}));
  b.train[0].output.cells[0] = 6;
  EXPECT_NE(augmented_task_key(a, {}), augmented_task_key(b, {}));
  // A 1x2 grid and a 2x1 grid with the same cells differ.
  ArcTask c{"c", {{testing::make_grid(2, 1, {1, 2}), testing::make_grid(1, 1, {3})}, {testing::make_grid(1, 1, {4}), testing::make_grid(1, 1, {5})}}, {}};
  EXPECT_NE(augmented_task_key(a, {}), augmented_task_key(c, {}));
}

TEST(ArcAugmentation, SamplingDeduplicatesVersions) {
  // Only black: every augmentation gives the same task, so only the original remains.
  const ArcTask black{"black", {{testing::make_grid(1, 1, {0}), testing::make_grid(1, 1, {0})}}, {}};
  Rng rng({4});
  const SampledAugmentations s = sample_task_augmentations(black, 10, rng);
  EXPECT_EQ(s.versions.size(), 1u);
  EXPECT_EQ(s.tries, 50);  // gave up after 5 x 10 tries

  // One colour on a symmetric 1x1 grid: 9 distinct versions (the colour), the
  // dihedral part changes nothing.
  const ArcTask one{"one", {{testing::make_grid(1, 1, {1}), testing::make_grid(1, 1, {1})}}, {}};
  const SampledAugmentations t = sample_task_augmentations(one, 100, rng);
  EXPECT_EQ(t.versions.size(), 9u);
  std::set<std::string> keys;
  for (const auto& v : t.versions) keys.insert(augmented_task_key(one, v));
  EXPECT_EQ(keys.size(), t.versions.size());
  EXPECT_TRUE(t.versions[0].is_identity());

  // A rich task gets all requested versions, all distinct.
  const ArcTask rich{"rich", {{testing::make_grid(2, 3, {0, 1, 2, 3, 4, 5}), testing::make_grid(2, 2, {6, 7, 8, 9})}}, {}};
  const SampledAugmentations r = sample_task_augmentations(rich, 200, rng);
  EXPECT_EQ(r.versions.size(), 201u);
  keys.clear();
  for (const auto& v : r.versions) keys.insert(augmented_task_key(rich, v));
  EXPECT_EQ(keys.size(), 201u);
}

}  // namespace
}  // namespace recur::datasets
