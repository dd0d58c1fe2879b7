// D4 transforms on grids (see dihedral.h). Each transform is written as the
// source cell that lands at output (i, j), as a base offset plus row and
// column strides, which keeps all eight in one table and the copy loop tight
// (the ARC builder transforms every grid thousands of times).
#include "datasets/dihedral.h"

#include <stdexcept>

namespace recur::datasets {

Grid dihedral_transform(const Grid& g, int id) {
  if (id < 0 || id >= kNumDihedral) throw std::invalid_argument("dihedral id out of range");
  const int n = g.rows, m = g.cols;
  const bool swaps = id == 1 || id == 3 || id == 6 || id == 7;  // output is m x n
  // The source cell of output (i, j) is at base + i * di + j * dj (row-major):
  //   0 identity (i, j)             1 rot90 ccw (j, m-1-i)     2 rot180 (n-1-i, m-1-j)
  //   3 rot270 ccw (n-1-j, i)       4 flip lr (i, m-1-j)       5 flip ud (n-1-i, j)
  //   6 transpose (j, i)            7 anti-transpose (n-1-j, m-1-i)
  const int last = (n - 1) * m;  // first cell of the last row
  struct Strides {
    int base, di, dj;
  };
  const Strides table[kNumDihedral] = {{0, m, 1},     {m - 1, -1, m},        {last + m - 1, -m, -1},
                                       {last, 1, -m}, {m - 1, m, -1},        {last, -m, 1},
                                       {0, 1, m},     {last + m - 1, -1, -m}};
  const Strides& t = table[id];
  Grid out;
  out.rows = swaps ? m : n;
  out.cols = swaps ? n : m;
  out.cells.resize(g.cells.size());
  uint8_t* dst = out.cells.data();
  const uint8_t* src = g.cells.data();
  for (int i = 0; i < out.rows; ++i) {
    const uint8_t* row = src + t.base + i * t.di;
    for (int j = 0; j < out.cols; ++j) *dst++ = row[j * t.dj];
  }
  return out;
}

int dihedral_inverse(int id) {
  static const int kInverse[kNumDihedral] = {0, 3, 2, 1, 4, 5, 6, 7};
  if (id < 0 || id >= kNumDihedral) throw std::invalid_argument("dihedral id out of range");
  return kInverse[id];
}

}  // namespace recur::datasets
