// Hyperslab row reads (see puzzle_row_reader.h).
#include "datasets/puzzle_row_reader.h"

#include <hdf5.h>

#include <algorithm>

#include "common/error.h"
#include "datasets/h5_io.h"

namespace recur::datasets {
namespace {

// Rows closer than this are read together rather than one by one.
constexpr int64_t kMaxRunRows = 64;

}  // namespace

PuzzleRowReader::PuzzleRowReader(const PuzzleMetadata& meta, Split split)
    : path_(meta.path), seq_len_(meta.seq_len), ignore_label_id_(meta.ignore_label_id), file_(h5_open_read(meta.path)) {
  H5Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  H5Pset_chunk_cache(dapl.get(), 101, 0, 0.75);  // zero bytes: no cache (see the header)
  const std::string p = std::string("/") + split_name(split) + "/";
  inputs_ = h5_open_dataset(file_.get(), p + "inputs", path_, dapl.get());
  labels_ = h5_open_dataset(file_.get(), p + "labels", path_, dapl.get());
}

void PuzzleRowReader::read_run(int64_t first, int64_t count) {
  const size_t bytes = static_cast<size_t>(count * seq_len_);
  buffer_inputs_.resize(bytes);
  buffer_labels_.resize(bytes);
  const hsize_t start[2] = {hsize_t(first), 0}, size[2] = {hsize_t(count), hsize_t(seq_len_)};
  H5Handle memory(H5Screate_simple(2, size, nullptr), H5Sclose);
  for (auto [dset, buffer] : {std::pair{&inputs_, &buffer_inputs_}, std::pair{&labels_, &buffer_labels_}}) {
    H5Handle space(H5Dget_space(dset->get()), H5Sclose);
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr);
    if (H5Dread(dset->get(), H5T_NATIVE_UINT8, memory.get(), space.get(), H5P_DEFAULT, buffer->data()) < 0) {
      throw InputError(path_, "cannot read example rows " + std::to_string(first) + ".." +
                                  std::to_string(first + count - 1) + " (file truncated or corrupt?)");
    }
  }
}

void PuzzleRowReader::read_rows(const int64_t* rows, size_t n, int32_t* inputs, int32_t* labels) {
  // Thread-safe HDF5 keeps its error printing per thread, and this runs on
  // the loaders' prefetch threads: errors are reported as InputError instead.
  h5_silence_errors();
  size_t i = 0;
  while (i < n) {
    // Grow the run while all its rows stay within kMaxRunRows of each other.
    int64_t lo = rows[i], hi = rows[i];
    size_t j = i + 1;
    for (; j < n; ++j) {
      const int64_t new_lo = std::min(lo, rows[j]), new_hi = std::max(hi, rows[j]);
      if (new_hi - new_lo >= kMaxRunRows) break;
      lo = new_lo;
      hi = new_hi;
    }
    read_run(lo, hi - lo + 1);
    for (size_t k = i; k < j; ++k) {
      const uint8_t* in = buffer_inputs_.data() + (rows[k] - lo) * seq_len_;
      const uint8_t* lab = buffer_labels_.data() + (rows[k] - lo) * seq_len_;
      int32_t* out_in = inputs + k * seq_len_;
      int32_t* out_lab = labels + k * seq_len_;
      for (int64_t t = 0; t < seq_len_; ++t) {
        out_in[t] = in[t];
        out_lab[t] = lab[t] == ignore_label_id_ ? kIgnoreLabel : lab[t];
      }
    }
    i = j;
  }
}

void PuzzleRowReader::read_range(int64_t begin, int64_t count, int32_t* inputs, int32_t* labels) {
  std::vector<int64_t> rows(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) rows[k] = begin + k;
  read_rows(rows.data(), rows.size(), inputs, labels);
}

}  // namespace recur::datasets
