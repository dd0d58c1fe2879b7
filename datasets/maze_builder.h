// `recur data maze`: the reference's maze CSVs -> one puzzle file.
//
// Source: Hugging Face sapientinc/maze-30x30-hard-1k, train.csv and test.csv
// (puzzle_csv.h): the question is the maze, the answer the same maze with its
// shortest path drawn, both n*n characters in row-major order (n = 30 there).
// The reference builder (trm.md 6.5, hrm.md 7.5):
// - characters "# SGo" (wall, open, start, goal, path) -> tokens 1..5, PAD 0
//   (never present), vocab 6, seq_len n*n; labels are the whole answer grid,
//   every cell supervised;
// - each maze is a group; with --dihedral (the reference's --aug, off in its
//   README command) each train maze is 8 puzzles, its 8 dihedral versions
//   (dihedral.h, the ARC ids); the test split is never augmented;
// - every puzzle has one example and identifier 0 (num_puzzle_identifiers 1).
// There is nothing random, so no seed: the same files give the same bytes.
#pragma once

#include <cstdint>
#include <string>

#include "datasets/puzzle_file.h"

namespace recur::datasets {

struct MazeBuildOptions {
  std::string train_csv;
  std::string test_csv;
  std::string out;
  bool dihedral = false;
  int threads = 1;
};

struct MazeBuildReport {
  int64_t side = 0;  // n: mazes are n x n
  SplitMetadata train;
  SplitMetadata test;
};

// Throws InputError (naming file:line) for a malformed row: a grid that is not
// square or not the size of the first one, a character outside "# SGo", or a
// question and answer of different sizes.
MazeBuildReport build_maze_dataset(const MazeBuildOptions& options);

}  // namespace recur::datasets
