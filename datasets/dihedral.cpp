// D4 transforms on grids (see dihedral.h). Each transform is written as the
// source cell that lands at output (i, j), which keeps all eight in one table.
#include "datasets/dihedral.h"

#include <stdexcept>

namespace recur::datasets {

Grid dihedral_transform(const Grid& g, int id) {
  if (id < 0 || id >= kNumDihedral) throw std::invalid_argument("dihedral id out of range");
  const int n = g.rows, m = g.cols;
  const bool swaps = id == 1 || id == 3 || id == 6 || id == 7;  // output is m x n
  Grid out;
  out.rows = swaps ? m : n;
  out.cols = swaps ? n : m;
  out.cells.resize(g.cells.size());
  for (int i = 0; i < out.rows; ++i) {
    for (int j = 0; j < out.cols; ++j) {
      int r = 0, c = 0;  // source cell
      switch (id) {
        case 0: r = i; c = j; break;
        case 1: r = j; c = m - 1 - i; break;          // rot90 ccw
        case 2: r = n - 1 - i; c = m - 1 - j; break;  // rot180
        case 3: r = n - 1 - j; c = i; break;          // rot270 ccw
        case 4: r = i; c = m - 1 - j; break;          // flip left-right
        case 5: r = n - 1 - i; c = j; break;          // flip up-down
        case 6: r = j; c = i; break;                  // transpose
        case 7: r = n - 1 - j; c = m - 1 - i; break;  // anti-transpose
      }
      out.cells[static_cast<size_t>(i) * out.cols + j] = g.at(r, c);
    }
  }
  return out;
}

int dihedral_inverse(int id) {
  static const int kInverse[kNumDihedral] = {0, 3, 2, 1, 4, 5, 6, 7};
  if (id < 0 || id >= kNumDihedral) throw std::invalid_argument("dihedral id out of range");
  return kInverse[id];
}

}  // namespace recur::datasets
