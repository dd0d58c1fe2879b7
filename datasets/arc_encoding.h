// ARC grids as token sequences: the reference's 30x30 canvas with an EOS border.
//
// Tokens: PAD 0, EOS 1, colour c -> c + 2 (vocab 12, seq_len 900). A grid of
// h x w placed at (row0, col0) is surrounded by PAD, except that the row just
// below it (its columns) and the column just right of it (its rows) hold EOS
// where they fit on the canvas; the corner cell stays PAD. Labels use the same
// encoding, so the model learns the output size from where it puts EOS.
//
// The canvas side is 30 for real ARC data; `recur data arc --canvas N` builds
// smaller square canvases (seq_len N * N) for tasks with small grids, such as
// the generated ones of arc_generator.h, which makes a CPU run 40x cheaper.
// The side is always sqrt(seq_len) (arc_canvas_side).
//
// crop_arc_grid is the reference evaluator's inverse (trm.md section 7 step 2,
// hrm.md section 8 step 2) and is what the ARC scorer must use.
#pragma once

#include <cstdint>

#include "datasets/dihedral.h"

namespace recur::datasets {

inline constexpr int kArcCanvasSize = 30;
inline constexpr int kArcSeqLen = kArcCanvasSize * kArcCanvasSize;
inline constexpr int kArcPadToken = 0;
inline constexpr int kArcEosToken = 1;
inline constexpr int kArcColourOffset = 2;
inline constexpr int kArcVocabSize = 12;

// The side of a square canvas of `seq_len` tokens (2..30), or 0 when there is none.
int arc_canvas_side(int64_t seq_len);

// Writes the whole side * side canvas for `grid` at (row0, col0); the grid must fit.
void encode_arc_grid(const Grid& grid, int row0, int col0, uint8_t* canvas, int side = kArcCanvasSize);

// The reference crop of a canvas (grid at the top-left): scan rows from the
// top, each row's run of colour tokens (2..11) from column 0 limited to the
// previous row's run; keep the rows x run rectangle of largest area; colours
// are tokens - 2. Any other token (PAD, EOS, -100, ...) ends a run. An empty
// result (0 x 0) means no colour at (0, 0).
template <class Token>
Grid crop_arc_grid(const Token* tokens, int side = kArcCanvasSize) {
  auto is_colour = [](Token t) { return t >= kArcColourOffset && t < kArcColourOffset + 10; };
  int width = side, best_rows = 0, best_cols = 0, best_area = 0;
  for (int r = 0; r < side; ++r) {
    int run = 0;
    while (run < width && is_colour(tokens[r * side + run])) ++run;
    width = run;
    if ((r + 1) * width > best_area) {
      best_area = (r + 1) * width;
      best_rows = r + 1;
      best_cols = width;
    }
  }
  Grid g;
  g.rows = best_rows;
  g.cols = best_cols;
  for (int r = 0; r < best_rows; ++r) {
    for (int c = 0; c < best_cols; ++c) {
      g.cells.push_back(static_cast<uint8_t>(tokens[r * side + c] - kArcColourOffset));
    }
  }
  return g;
}

}  // namespace recur::datasets
