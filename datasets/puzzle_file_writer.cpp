// Atomic, parallel writing of puzzle files (see puzzle_file_writer.h).
#include "datasets/puzzle_file_writer.h"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "common/error.h"
#include "common/h5_error.h"
#include "common/os_error.h"
#include "datasets/h5_io.h"
#include "datasets/parallel_for.h"

namespace recur::datasets {
namespace {

namespace fs = std::filesystem;

struct CompressedChunk {
  std::vector<uint8_t> inputs;
  std::vector<uint8_t> labels;
};

std::vector<uint8_t> deflate_chunk(const std::vector<uint8_t>& raw) {
  uLongf size = compressBound(raw.size());
  std::vector<uint8_t> out(size);
  if (compress2(out.data(), &size, raw.data(), raw.size(), kDeflateLevel) != Z_OK) {
    throw std::runtime_error("zlib compression failed");
  }
  out.resize(size);
  return out;
}

// A chunked, deflate-filtered uint8 [rows, seq_len] dataset, readable by any
// HDF5 reader (h5py included) through the standard deflate filter.
H5Handle create_token_dataset(hid_t group, const char* name, int64_t rows, int64_t seq_len, int64_t chunk_rows,
                              const std::string& file) {
  const hsize_t dims[2] = {hsize_t(rows), hsize_t(seq_len)};
  const hsize_t max_dims[2] = {H5S_UNLIMITED, hsize_t(seq_len)};  // lets an empty split be chunked too
  const hsize_t chunk[2] = {hsize_t(chunk_rows), hsize_t(seq_len)};
  H5Handle space(H5Screate_simple(2, dims, max_dims), H5Sclose);
  H5Handle dcpl = h5_dataset_create_plist();
  H5Pset_chunk(dcpl.get(), 2, chunk);
  H5Pset_deflate(dcpl.get(), kDeflateLevel);
  H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER);
  hid_t id = H5Dcreate2(group, name, H5T_STD_U8LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT);
  if (id < 0) throw std::runtime_error(file + ": cannot create dataset " + name + ": " + h5_failure_reason());
  return H5Handle(id, H5Dclose);
}

// Encodes and compresses chunks in waves on `threads` threads, then writes
// each wave in chunk order from this thread.
void write_token_rows(hid_t group, const SplitContents& split, int64_t seq_len, int threads, const std::string& file) {
  const int64_t rows = split.index.num_examples();
  const int64_t chunk_rows = kChunkRows;
  H5Handle inputs = create_token_dataset(group, "inputs", rows, seq_len, chunk_rows, file);
  H5Handle labels = create_token_dataset(group, "labels", rows, seq_len, chunk_rows, file);
  const int64_t num_chunks = (rows + chunk_rows - 1) / chunk_rows;
  const int64_t wave = std::max<int64_t>(64, 16 * threads);
  std::vector<CompressedChunk> done(static_cast<size_t>(wave));
  for (int64_t first = 0; first < num_chunks; first += wave) {
    const int64_t count = std::min(wave, num_chunks - first);
    parallel_for(count, threads, [&](int64_t i) {
      const int64_t begin = (first + i) * chunk_rows;
      const int64_t end = std::min(rows, begin + chunk_rows);
      // Edge chunks are stored full size; the rows past the end stay zero.
      std::vector<uint8_t> in(static_cast<size_t>(chunk_rows * seq_len), 0), lab(in.size(), 0);
      split.encode_rows(begin, end, in.data(), lab.data());
      done[i] = {deflate_chunk(in), deflate_chunk(lab)};
    });
    for (int64_t i = 0; i < count; ++i) {
      const hsize_t offset[2] = {hsize_t((first + i) * chunk_rows), 0};
      if (H5Dwrite_chunk(inputs.get(), H5P_DEFAULT, 0, offset, done[i].inputs.size(), done[i].inputs.data()) < 0 ||
          H5Dwrite_chunk(labels.get(), H5P_DEFAULT, 0, offset, done[i].labels.size(), done[i].labels.data()) < 0) {
        throw std::runtime_error(file + ": cannot write example rows: " + h5_failure_reason());
      }
      done[i] = {};
    }
  }
  if (inputs.close() < 0 || labels.close() < 0)
    throw std::runtime_error(file + ": cannot write example rows: " + h5_failure_reason());
}

void write_split(hid_t file_id, Split which, const SplitContents& split, int64_t seq_len, int threads,
                 const std::string& file) {
  H5Handle group = h5_create_group(file_id, split_name(which), file);
  write_token_rows(group.get(), split, seq_len, threads, file);
  h5_write_vector(group.get(), "puzzle_identifiers", split.index.puzzle_identifiers, file);
  h5_write_vector(group.get(), "puzzle_indices", split.index.puzzle_indices, file);
  h5_write_vector(group.get(), "group_indices", split.index.group_indices, file);
  h5_write_attr(group.get(), "total_groups", split.index.num_groups(), file);
  h5_write_attr(group.get(), "mean_puzzle_examples", split.index.metadata().mean_puzzle_examples, file);
}

void write_contents(const std::string& path, const PuzzleFileContents& c, int threads) {
  H5Handle f = h5_create(path);
  const PuzzleFileHeader& h = c.header;
  h5_write_attr(f.get(), "format", std::string(kPuzzleFormat), path);
  h5_write_attr(f.get(), "version", kPuzzleFormatVersion, path);
  h5_write_attr(f.get(), "vocab_size", h.vocab_size, path);
  h5_write_attr(f.get(), "seq_len", h.seq_len, path);
  h5_write_attr(f.get(), "pad_id", h.pad_id, path);
  h5_write_attr(f.get(), "ignore_label_id", h.ignore_label_id, path);
  h5_write_attr(f.get(), "blank_identifier_id", h.blank_identifier_id, path);
  h5_write_attr(f.get(), "num_puzzle_identifiers", h.num_puzzle_identifiers, path);
  h5_write_attr(f.get(), "builder", h.builder_json, path);
  write_split(f.get(), Split::kTrain, c.train, h.seq_len, threads, path);
  write_split(f.get(), Split::kTest, c.test, h.seq_len, threads, path);
  h5_write_strings(f.get(), "identifiers", c.identifiers, path);
  if (c.test_puzzles_json) h5_write_string(f.get(), "test_puzzles", *c.test_puzzles_json, path);
  h5_close_written(f, path);
}

void fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw os_error(path, "cannot open for fsync");
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0) throw os_error(path, "cannot write to disk (fsync)", saved);
}

void check_contents(const PuzzleFileContents& c) {
  if (static_cast<int64_t>(c.identifiers.size()) != c.header.num_puzzle_identifiers) {
    throw std::logic_error("puzzle file: identifiers do not match num_puzzle_identifiers");
  }
  for (const SplitContents* s : {&c.train, &c.test}) {
    const SplitIndex& i = s->index;
    if (i.puzzle_indices.size() != i.puzzle_identifiers.size() + 1 || i.group_indices.back() != i.num_puzzles()) {
      throw std::logic_error("puzzle file: inconsistent split index");
    }
  }
}

}  // namespace

SplitIndex one_example_puzzles(int64_t groups, int64_t versions) {
  SplitIndex index;
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t v = 0; v < versions; ++v) {
      index.puzzle_identifiers.push_back(0);
      index.puzzle_indices.push_back(index.puzzle_indices.back() + 1);
    }
    index.group_indices.push_back(index.num_puzzles());
  }
  return index;
}

void write_puzzle_file(const std::string& path, const PuzzleFileContents& contents, int threads) {
  check_contents(contents);
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) throw InputError(path, "cannot create the output folder: " + ec.message());
  const std::string partial = path + ".partial-" + std::to_string(::getpid());
  try {
    write_contents(partial, contents, threads);  // the file is closed when this returns
    fsync_file(partial);
    if (std::rename(partial.c_str(), path.c_str()) != 0) throw os_error(path, "cannot rename " + partial + " to it");
  } catch (...) {
    fs::remove(partial, ec);
    throw;
  }
}

}  // namespace recur::datasets
