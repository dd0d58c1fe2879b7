// Checks shared by the ARC builder tests: decoding a stored canvas back to a
// grid (un-translate, crop) and verifying that every stored example of a
// built file inverts to its original pair.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "datasets/arc_augmentation.h"
#include "datasets/arc_encoding.h"
#include "datasets/arc_task.h"
#include "datasets/puzzle_file.h"
#include "datasets/puzzle_row_reader.h"

namespace recur::datasets::testing {

// The grid on a canvas wherever it was placed: find the top-left of the
// non-PAD cells, shift it to (0, 0), crop. Returns the offset too.
inline Grid decode_canvas(const int32_t* tokens, int32_t pad, int* row0, int* col0) {
  *row0 = *col0 = kArcCanvasSize;
  for (int r = 0; r < kArcCanvasSize; ++r) {
    for (int c = 0; c < kArcCanvasSize; ++c) {
      if (tokens[r * kArcCanvasSize + c] != pad) *row0 = std::min(*row0, r), *col0 = std::min(*col0, c);
    }
  }
  std::vector<int32_t> shifted(kArcSeqLen, pad);
  for (int r = *row0; r < kArcCanvasSize; ++r) {
    for (int c = *col0; c < kArcCanvasSize; ++c) {
      shifted[(r - *row0) * kArcCanvasSize + (c - *col0)] = tokens[r * kArcCanvasSize + c];
    }
  }
  return crop_arc_grid(shifted.data());
}

struct ArcFileCheck {
  int64_t rows_checked = 0;
  int64_t translated_rows = 0;
};

// Verifies every example of both splits against the source folders: the
// puzzle's name says which task and augmentation it is; decoding the stored
// input and label and undoing the augmentation must give the original pair
// (demonstrations and, for non-test-set tasks, test pairs in train; test-set
// test pairs in test). Test rows must sit at (0, 0); in train each puzzle
// keeps at least one example at (0, 0).
inline ArcFileCheck check_arc_file_inverts(const std::string& path, const std::vector<std::string>& subsets,
                                           const std::string& test_set) {
  std::map<std::string, ArcTask> tasks;
  std::set<std::string> test_tasks;
  for (const auto& dir : subsets) {
    for (ArcTask& t : load_arc_subset(dir).tasks) {
      if (dir == test_set) test_tasks.insert(t.name);
      tasks.emplace(t.name, std::move(t));
    }
  }
  const PuzzleMetadata meta = read_puzzle_metadata(path);
  const std::vector<std::string> names = read_identifiers(path);
  ArcFileCheck check;
  for (Split split : {Split::kTrain, Split::kTest}) {
    const SplitIndex index = read_split_index(path, split);
    PuzzleRowReader reader(meta, split);
    for (int64_t p = 0; p < index.num_puzzles(); ++p) {
      const ParsedArcName name = parse_augmented_name(names.at(index.puzzle_identifiers[p]));
      const ArcTask& task = tasks.at(name.task);
      std::vector<ArcPair> pairs = task.train;
      if (split == Split::kTest) pairs = task.test;
      if (split == Split::kTrain && !test_tasks.count(task.name))
        pairs.insert(pairs.end(), task.test.begin(), task.test.end());
      const int64_t first = index.puzzle_indices[p], count = index.puzzle_indices[p + 1] - first;
      EXPECT_EQ(count, static_cast<int64_t>(pairs.size())) << names[index.puzzle_identifiers[p]];
      if (count != static_cast<int64_t>(pairs.size())) continue;
      std::vector<int32_t> in(count * kArcSeqLen), lab(in.size());
      reader.read_range(first, count, in.data(), lab.data());
      bool anchor = false;
      for (int64_t e = 0; e < count; ++e) {
        int r_in, c_in, r_out, c_out;
        const Grid input = decode_canvas(&in[e * kArcSeqLen], kArcPadToken, &r_in, &c_in);
        const Grid output = decode_canvas(&lab[e * kArcSeqLen], kIgnoreLabel, &r_out, &c_out);
        EXPECT_EQ(r_in, r_out);
        EXPECT_EQ(c_in, c_out);
        EXPECT_EQ(unaugment_grid(input, name.aug), pairs[e].input) << names[index.puzzle_identifiers[p]] << " " << e;
        EXPECT_EQ(unaugment_grid(output, name.aug), pairs[e].output) << names[index.puzzle_identifiers[p]] << " " << e;
        if (split == Split::kTest) EXPECT_EQ(r_in + c_in, 0);
        anchor = anchor || r_in + c_in == 0;
        check.translated_rows += r_in + c_in > 0;
        ++check.rows_checked;
      }
      EXPECT_TRUE(anchor) << "no example at (0, 0) in " << names[index.puzzle_identifiers[p]];
    }
  }
  return check;
}

}  // namespace recur::datasets::testing
