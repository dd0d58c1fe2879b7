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

struct PuzzleFileContents {
  PuzzleFileHeader header;
  SplitContents train;
  SplitContents test;
  std::vector<std::string> identifiers;  // num_puzzle_identifiers names, "<blank>" first
  std::optional<std::string> test_puzzles_json;
};

// Rows per HDF5 chunk for a given seq_len: small enough that reading one
// puzzle's few rows decompresses little, large enough to compress well.
int64_t chunk_rows_for(int64_t seq_len);
inline constexpr int kDeflateLevel = 1;

// Writes `contents` to `path` (parent folders are created). Throws InputError
// for an unwritable destination; leaves no file behind on any failure.
void write_puzzle_file(const std::string& path, const PuzzleFileContents& contents, int threads);

}  // namespace recur::datasets
