// The 8 symmetries of a square (the dihedral group D4) on row-major grids.
//
// ARC augmentation applies one of them to every grid of a task, and scoring
// undoes it, so ids and inverses must match the reference exactly:
//   0 identity, 1 rot90 (counter-clockwise, numpy rot90 k=1), 2 rot180,
//   3 rot270, 4 flip left-right, 5 flip up-down, 6 transpose,
//   7 anti-transpose (B[i][j] = A[n-1-j][m-1-i]).
// Inverses: [0, 3, 2, 1, 4, 5, 6, 7].
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace recur::datasets {

// A small rectangular grid of values, row-major.
struct Grid {
  int rows = 0;
  int cols = 0;
  std::vector<uint8_t> cells;  // rows * cols
  uint8_t at(int r, int c) const { return cells[static_cast<size_t>(r) * cols + c]; }
  bool operator==(const Grid& o) const { return rows == o.rows && cols == o.cols && cells == o.cells; }
};

constexpr int kNumDihedral = 8;

// Applies transform `id` (0..7).
Grid dihedral_transform(const Grid& g, int id);
// The id of the transform that undoes `id`.
int dihedral_inverse(int id);

}  // namespace recur::datasets
