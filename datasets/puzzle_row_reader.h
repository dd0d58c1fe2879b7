// Reading example rows of one split with HDF5 hyperslabs: the loaders never
// load a whole file, only the rows of their own slice of each batch.
//
// A batch slice lists rows in sampling order; the examples of a puzzle are
// contiguous in the file, so nearby rows are merged into one short run, read
// in one call and scattered into place. Rows are widened to int32, and labels
// equal to the file's ignore_label_id become -100 (the loss's ignore index).
// HDF5's chunk cache is switched off: reads are random with little reuse,
// and once a cache holds thousands of small chunks HDF5 1.10 slows to a crawl
// (measured: 1.4 batches/s with a full cache against 45 without).
#pragma once

#include <cstdint>
#include <string>

#include "common/h5_handle.h"
#include "datasets/puzzle_file.h"

namespace recur::datasets {

class PuzzleRowReader {
 public:
  PuzzleRowReader(const PuzzleMetadata& meta, Split split);

  // Rows `rows[0..n)` into inputs/labels [n * seq_len].
  void read_rows(const int64_t* rows, size_t n, int32_t* inputs, int32_t* labels);
  // The contiguous rows [begin, begin + count).
  void read_range(int64_t begin, int64_t count, int32_t* inputs, int32_t* labels);

 private:
  void read_run(int64_t first, int64_t count);  // into buffer_

  std::string path_;
  int64_t seq_len_;
  int64_t ignore_label_id_;
  H5Handle file_, inputs_, labels_;
  std::vector<uint8_t> buffer_inputs_, buffer_labels_;
};

}  // namespace recur::datasets
