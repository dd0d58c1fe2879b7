// The eight dihedral transforms match numpy's (rot90, fliplr, flipud, .T)
// on a non-square grid, and each inverse undoes its transform.
#include "datasets/dihedral.h"

#include <gtest/gtest.h>

namespace recur::datasets {
namespace {

Grid make(int rows, int cols, std::vector<uint8_t> cells) { return Grid{rows, cols, std::move(cells)}; }

TEST(Dihedral, EachTransformMatchesNumpy) {
  const Grid a = make(2, 3, {1, 2, 3, 4, 5, 6});
  // Expected values printed by numpy for the reference's transform table.
  const std::vector<Grid> expected = {make(2, 3, {1, 2, 3, 4, 5, 6}), make(3, 2, {3, 6, 2, 5, 1, 4}),
                                      make(2, 3, {6, 5, 4, 3, 2, 1}), make(3, 2, {4, 1, 5, 2, 6, 3}),
                                      make(2, 3, {3, 2, 1, 6, 5, 4}), make(2, 3, {4, 5, 6, 1, 2, 3}),
                                      make(3, 2, {1, 4, 2, 5, 3, 6}), make(3, 2, {6, 3, 5, 2, 4, 1})};
  for (int id = 0; id < kNumDihedral; ++id) EXPECT_EQ(dihedral_transform(a, id), expected[id]) << "transform " << id;
}

TEST(Dihedral, InverseUndoesEveryTransform) {
  const Grid a = make(3, 4, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2});
  for (int id = 0; id < kNumDihedral; ++id) {
    const Grid t = dihedral_transform(a, id);
    EXPECT_EQ(dihedral_transform(t, dihedral_inverse(id)), a) << "transform " << id;
  }
  EXPECT_EQ(dihedral_inverse(1), 3);
  EXPECT_EQ(dihedral_inverse(3), 1);
}

TEST(Dihedral, RejectsIdsOutsideTheGroup) {
  EXPECT_THROW(dihedral_transform(make(1, 1, {0}), 8), std::invalid_argument);
  EXPECT_THROW(dihedral_inverse(-1), std::invalid_argument);
}

}  // namespace
}  // namespace recur::datasets
