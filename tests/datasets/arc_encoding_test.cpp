// The 30x30 canvas with its EOS border, and the reference crop back to a grid.
#include "datasets/arc_encoding.h"

#include <gtest/gtest.h>

#include "datasets/rng.h"

namespace recur::datasets {
namespace {

Grid random_grid(Rng& rng, int rows, int cols) {
  Grid g{rows, cols, {}};
  for (int i = 0; i < rows * cols; ++i) g.cells.push_back(static_cast<uint8_t>(rng.uniform(10)));
  return g;
}

TEST(ArcEncoding, EosBorderBelowAndRightCornerStaysPad) {
  const Grid g{2, 3, {0, 1, 2, 3, 4, 5}};
  std::vector<uint8_t> canvas(kArcSeqLen, 99);
  encode_arc_grid(g, 4, 5, canvas.data());
  auto at = [&](int r, int c) { return int(canvas[r * 30 + c]); };
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 3; ++c) EXPECT_EQ(at(4 + r, 5 + c), g.at(r, c) + 2);
    EXPECT_EQ(at(4 + r, 8), kArcEosToken);  // column right of the grid
  }
  for (int c = 0; c < 3; ++c) EXPECT_EQ(at(6, 5 + c), kArcEosToken);  // row below
  EXPECT_EQ(at(6, 8), kArcPadToken);                                  // the corner is not marked
  int eos = 0, colours = 0;
  for (uint8_t t : canvas) eos += t == kArcEosToken, colours += t >= 2;
  EXPECT_EQ(eos, 5);
  EXPECT_EQ(colours, 6);
}

TEST(ArcEncoding, NoBorderBeyondTheCanvas) {
  Rng rng({5});
  std::vector<uint8_t> canvas(kArcSeqLen);
  encode_arc_grid(random_grid(rng, 30, 30), 0, 0, canvas.data());
  for (uint8_t t : canvas) EXPECT_GE(t, 2);                        // all colours, no EOS, no PAD
  encode_arc_grid(random_grid(rng, 3, 30), 27, 0, canvas.data());  // touches the bottom edge
  int eos = 0;
  for (uint8_t t : canvas) eos += t == kArcEosToken;
  EXPECT_EQ(eos, 0);                                               // no row below, no column right
  encode_arc_grid(random_grid(rng, 3, 4), 27, 26, canvas.data());  // bottom-right corner
  eos = 0;
  for (uint8_t t : canvas) eos += t == kArcEosToken;
  EXPECT_EQ(eos, 0);
  encode_arc_grid(random_grid(rng, 30, 2), 0, 0, canvas.data());  // full height: only the right column
  eos = 0;
  for (uint8_t t : canvas) eos += t == kArcEosToken;
  EXPECT_EQ(eos, 30);
}

TEST(ArcEncoding, CropRecoversEveryGridAtTheTopLeft) {
  Rng rng({6});
  for (int rows = 1; rows <= 30; rows += 7) {
    for (int cols = 1; cols <= 30; cols += 4) {
      const Grid g = random_grid(rng, rows, cols);
      std::vector<uint8_t> canvas(kArcSeqLen);
      encode_arc_grid(g, 0, 0, canvas.data());
      EXPECT_EQ(crop_arc_grid(canvas.data()), g) << rows << "x" << cols;
      std::vector<int32_t> wide(canvas.begin(), canvas.end());
      EXPECT_EQ(crop_arc_grid(wide.data()), g);
    }
  }
}

TEST(ArcEncoding, CropKeepsTheLargestRectangleOfColours) {
  // A ragged prediction: row 0 has 4 colours, rows 1-2 have 2, row 3 none.
  std::vector<int32_t> t(kArcSeqLen, kArcPadToken);
  for (int c = 0; c < 4; ++c) t[c] = 3;
  for (int r = 1; r < 3; ++r) t[r * 30] = t[r * 30 + 1] = 5;
  t[1 * 30 + 2] = -100;  // ignored labels end a run too
  const Grid g = crop_arc_grid(t.data());
  EXPECT_EQ(g, (Grid{3, 2, {1, 1, 3, 3, 3, 3}}));  // 3x2 = 6 beats 1x4 = 4
  std::vector<int32_t> empty(kArcSeqLen, kArcEosToken);
  EXPECT_EQ(crop_arc_grid(empty.data()).rows, 0);
}

}  // namespace
}  // namespace recur::datasets
