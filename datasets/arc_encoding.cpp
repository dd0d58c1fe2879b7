// The ARC canvas encoding (see arc_encoding.h).
#include "datasets/arc_encoding.h"

#include <cstring>
#include <stdexcept>

namespace recur::datasets {

int arc_canvas_side(int64_t seq_len) {
  for (int side = 2; side <= kArcCanvasSize; ++side) {
    if (int64_t(side) * side == seq_len) return side;
  }
  return 0;
}

void encode_arc_grid(const Grid& grid, int row0, int col0, uint8_t* canvas, int side) {
  const int end_row = row0 + grid.rows, end_col = col0 + grid.cols;
  if (row0 < 0 || col0 < 0 || end_row > side || end_col > side) {
    throw std::logic_error("encode_arc_grid: grid does not fit the canvas");
  }
  std::memset(canvas, kArcPadToken, static_cast<size_t>(side) * side);
  for (int r = 0; r < grid.rows; ++r) {
    uint8_t* row = canvas + (row0 + r) * side + col0;
    for (int c = 0; c < grid.cols; ++c) row[c] = static_cast<uint8_t>(grid.at(r, c) + kArcColourOffset);
    if (end_col < side) row[grid.cols] = kArcEosToken;  // column right of the grid
  }
  if (end_row < side) {
    std::memset(canvas + end_row * side + col0, kArcEosToken, grid.cols);  // row below the grid
  }
}

}  // namespace recur::datasets
