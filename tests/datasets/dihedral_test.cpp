// The eight dihedral transforms match numpy's (rot90, fliplr, flipud, .T)
// on a non-square grid, and each inverse undoes its transform.
#include "datasets/dihedral.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace recur::datasets {
namespace {

TEST(Dihedral, EachTransformMatchesNumpy) {
  const Grid a = testing::make_grid(2, 3, {1, 2, 3, 4, 5, 6});
  // Expected values printed by numpy for the reference's transform table.
  const std::vector<Grid> expected = {testing::make_grid(2, 3, {1, 2, 3, 4, 5, 6}), testing::make_grid(3, 2, {3, 6, 2, 5, 1, 4}),
                                      testing::make_grid(2, 3, {6, 5, 4, 3, 2, 1}), testing::make_grid(3, 2, {4, 1, 5, 2, 6, 3}),
                                      testing::make_grid(2, 3, {3, 2, 1, 6, 5, 4}), testing::make_grid(2, 3, {4, 5, 6, 1, 2, 3}),
                                      testing::make_grid(3, 2, {1, 4, 2, 5, 3, 6}), testing::make_grid(3, 2, {6, 3, 5, 2, 4, 1})};
  for (int id = 0; id < kNumDihedral; ++id) EXPECT_EQ(dihedral_transform(a, id), expected[id]) << "transform " << id;
}

TEST(Dihedral, InverseUndoesEveryTransform) {
  const Grid a = testing::make_grid(3, 4, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2});
  for (int id = 0; id < kNumDihedral; ++id) {
    const Grid t = dihedral_transform(a, id);
    EXPECT_EQ(dihedral_transform(t, dihedral_inverse(id)), a) << "transform " << id;
  }
  EXPECT_EQ(dihedral_inverse(1), 3);
  EXPECT_EQ(dihedral_inverse(3), 1);
}

TEST(Dihedral, RejectsIdsOutsideTheGroup) {
  EXPECT_THROW(dihedral_transform(testing::make_grid(1, 1, {0}), 8), std::invalid_argument);
  EXPECT_THROW(dihedral_inverse(-1), std::invalid_argument);
}

}  // namespace
}  // namespace recur::datasets
