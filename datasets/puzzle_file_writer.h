// Writing a recur puzzle file (layout in puzzle_file.h), atomically and fast.
//
// Builders describe their output instead of materialising it: the index
// arrays of each split plus a RowEncoder that produces any range of example
// rows on demand. The writer cuts the rows into HDF5 chunks, encodes and
// deflates chunks on many threads (HDF5's own filter pipeline is single
// threaded), and writes the compressed chunks in row order with
// H5Dwrite_chunk, so the file is byte-identical for any thread count and a
// multi-gigabyte ARC build never has to fit in memory.
//
// The file appears under its final name only when complete: it is written to
// `<path>.partial-<pid>` in the same folder, flushed, fsync'ed and renamed;
// on any failure the partial file is removed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "datasets/puzzle_file.h"

namespace recur::datasets {

struct PuzzleFileHeader {
  int64_t vocab_size = 0;
  int64_t seq_len = 0;
  int64_t pad_id = 0;
  int64_t ignore_label_id = 0;
  int64_t blank_identifier_id = 0;
  int64_t num_puzzle_identifiers = 0;
  std::string builder_json;
};

// Fills example rows [begin, end) of a split: (end - begin) * seq_len tokens
// into each of inputs and labels. Called concurrently from several threads.
using RowEncoder = std::function<void(int64_t begin, int64_t end, uint8_t* inputs, uint8_t* labels)>;

struct SplitContents {
  SplitIndex index;
  RowEncoder encode_rows;
};

// The index of a split with one example per puzzle and `versions` puzzles per
// group (Sudoku, maze: a puzzle and its augmented versions), identifier 0.
SplitIndex one_example_puzzles(int64_t groups, int64_t versions);

struct PuzzleFileContents {
  PuzzleFileHeader header;
  SplitContents train;
  SplitContents test;
  std::vector<std::string> identifiers;  // num_puzzle_identifiers names, "<blank>" first
  std::optional<std::string> test_puzzles_json;
};

// Rows per HDF5 chunk and the deflate level. The loaders read a few random
// rows at a time, so chunks are small: measured on ARC-AGI-1 x1000 (global
// batch 768, one reader thread), 16-row chunks read 63 batches/s against 35
// for 36 rows and 24 for 64, for a 6% larger file (512 MB against 484); on
// Sudoku 16 rows read 45 batches/s, 404-row (32 KB) chunks 4. Level 1 builds
// 27% faster than level 4 and reads faster; level 4 is 18% smaller.
inline constexpr int64_t kChunkRows = 16;
inline constexpr int kDeflateLevel = 1;

// Writes `contents` to `path` (parent folders are created). A folder that
// cannot be created is an InputError; a write that fails (a full disk) is a
// std::runtime_error naming the file and the OS's reason. Leaves no file
// behind on any failure.
void write_puzzle_file(const std::string& path, const PuzzleFileContents& contents, int threads);

}  // namespace recur::datasets
