// Reading and validating recur puzzle files (see puzzle_file.h).
#include <hdf5.h>

#include "common/error.h"
#include "datasets/h5_io.h"
#include "datasets/puzzle_file.h"

namespace recur::datasets {
namespace {

std::string str(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void expect_shape(const std::vector<int64_t>& actual, const std::vector<int64_t>& expected, const std::string& file,
                  const std::string& what) {
  if (actual != expected) {
    throw InputError(file, what + " has shape " + str(actual) + ", expected " + str(expected));
  }
}

// Validates one split's datasets against the root attributes; returns its counts.
SplitMetadata read_split_metadata(hid_t root, Split split, const PuzzleMetadata& meta) {
  const std::string& file = meta.path;
  const std::string name = split_name(split);
  if (!h5_exists(root, name)) throw InputError(file, "group /" + name + " is missing");
  const std::string p = "/" + name + "/";
  auto shape_of = [&](const std::string& ds, int bytes, bool is_signed) {
    H5Handle d = h5_open_dataset(root, p + ds, file);
    return h5_integer_dataset_shape(d.get(), bytes, is_signed, file, p + ds);
  };
  const auto inputs = shape_of("inputs", 1, false);
  if (inputs.size() != 2 || inputs[1] != meta.seq_len) {
    throw InputError(
        file, p + "inputs has shape " + str(inputs) + ", expected [N, " + std::to_string(meta.seq_len) + "] (seq_len)");
  }
  expect_shape(shape_of("labels", 1, false), inputs, file, p + "labels");
  const auto ids = shape_of("puzzle_identifiers", 4, true);
  if (ids.size() != 1) throw InputError(file, p + "puzzle_identifiers must be 1-D");
  expect_shape(shape_of("puzzle_indices", 8, true), {ids[0] + 1}, file, p + "puzzle_indices");
  const auto groups = shape_of("group_indices", 8, true);
  if (groups.size() != 1 || groups[0] < 1) throw InputError(file, p + "group_indices must be 1-D with G+1 entries");

  SplitMetadata s;
  s.total_examples = inputs[0];
  s.total_puzzles = ids[0];
  s.total_groups = groups[0] - 1;
  H5Handle group(H5Gopen2(root, name.c_str(), H5P_DEFAULT), H5Gclose);
  const int64_t stored_groups = h5_read_attr_int(group.get(), "total_groups", file);
  if (stored_groups != s.total_groups) {
    throw InputError(file, p + " attribute total_groups = " + std::to_string(stored_groups) +
                               " but group_indices has " + std::to_string(s.total_groups) + " groups");
  }
  s.mean_puzzle_examples = h5_read_attr_double(group.get(), "mean_puzzle_examples", file);
  return s;
}

void check_offsets(const std::vector<int64_t>& offsets, int64_t end, const std::string& file, const std::string& what,
                   const std::string& unit) {
  if (offsets.empty() || offsets.front() != 0 || offsets.back() != end) {
    throw InputError(file, what + " must run from 0 to " + std::to_string(end) + " (" + unit + ")");
  }
  for (size_t i = 1; i < offsets.size(); ++i) {
    if (offsets[i] <= offsets[i - 1]) {
      throw InputError(file, what + " is not increasing at entry " + std::to_string(i) + " (empty or corrupt entry)");
    }
  }
}

}  // namespace

const char* split_name(Split split) { return split == Split::kTrain ? "train" : "test"; }

bool is_puzzle_file(const std::string& path) {
  try {
    H5Handle f = h5_open_read(path);
    return h5_has_attr(f.get(), "format") && h5_read_attr_string(f.get(), "format", path) == kPuzzleFormat;
  } catch (const InputError&) {
    return false;
  }
}

PuzzleMetadata read_puzzle_metadata(const std::string& path) {
  H5Handle f = h5_open_read(path);
  const hid_t root = f.get();
  if (!h5_has_attr(root, "format") || h5_read_attr_string(root, "format", path) != kPuzzleFormat) {
    throw InputError(path, std::string("not a recur puzzle file (no root attribute format = \"") + kPuzzleFormat +
                               "\"; build one with `recur data`)");
  }
  const int64_t version = h5_read_attr_int(root, "version", path);
  if (version != kPuzzleFormatVersion) {
    throw InputError(path, "puzzle file version " + std::to_string(version) + " is not supported (this recur reads " +
                               std::to_string(kPuzzleFormatVersion) + "); rebuild it with `recur data`");
  }
  PuzzleMetadata m;
  m.path = path;
  m.vocab_size = h5_read_attr_int(root, "vocab_size", path);
  m.seq_len = h5_read_attr_int(root, "seq_len", path);
  m.pad_id = h5_read_attr_int(root, "pad_id", path);
  m.ignore_label_id = h5_read_attr_int(root, "ignore_label_id", path);
  m.blank_identifier_id = h5_read_attr_int(root, "blank_identifier_id", path);
  m.num_puzzle_identifiers = h5_read_attr_int(root, "num_puzzle_identifiers", path);
  m.builder_json = h5_read_attr_string(root, "builder", path);
  if (m.vocab_size < 1 || m.vocab_size > 256) throw InputError(path, "vocab_size must be in 1..256 (uint8 tokens)");
  if (m.seq_len < 1) throw InputError(path, "seq_len must be positive");
  if (m.pad_id < 0 || m.pad_id >= m.vocab_size) throw InputError(path, "pad_id is outside the vocabulary");
  if (m.num_puzzle_identifiers < 1) throw InputError(path, "num_puzzle_identifiers must be at least 1");
  if (m.blank_identifier_id < 0 || m.blank_identifier_id >= m.num_puzzle_identifiers) {
    throw InputError(path, "blank_identifier_id is outside 0..num_puzzle_identifiers-1");
  }
  m.train = read_split_metadata(root, Split::kTrain, m);
  m.test = read_split_metadata(root, Split::kTest, m);
  H5Handle ids = h5_open_dataset(root, "/identifiers", path);
  H5Handle space(H5Dget_space(ids.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != m.num_puzzle_identifiers) {
    throw InputError(
        path, "/identifiers must hold num_puzzle_identifiers = " + std::to_string(m.num_puzzle_identifiers) + " names");
  }
  return m;
}

SplitIndex read_split_index(const std::string& path, Split split) {
  const PuzzleMetadata meta = read_puzzle_metadata(path);
  const SplitMetadata& s = meta.split(split);
  H5Handle f = h5_open_read(path);
  const std::string p = std::string("/") + split_name(split) + "/";
  SplitIndex index;
  index.puzzle_identifiers = h5_read_int32_vector(f.get(), p + "puzzle_identifiers", path);
  index.puzzle_indices = h5_read_int64_vector(f.get(), p + "puzzle_indices", path);
  index.group_indices = h5_read_int64_vector(f.get(), p + "group_indices", path);
  check_offsets(index.puzzle_indices, s.total_examples, path, p + "puzzle_indices", "examples");
  check_offsets(index.group_indices, s.total_puzzles, path, p + "group_indices", "puzzles");
  for (int32_t id : index.puzzle_identifiers) {
    if (id < 0 || id >= meta.num_puzzle_identifiers) {
      throw InputError(path,
                       p + "puzzle_identifiers holds " + std::to_string(id) + ", outside 0..num_puzzle_identifiers-1");
    }
  }
  return index;
}

std::vector<std::string> read_identifiers(const std::string& path) {
  read_puzzle_metadata(path);
  H5Handle f = h5_open_read(path);
  return h5_read_strings(f.get(), "/identifiers", path);
}

std::optional<std::string> read_test_puzzles(const std::string& path) {
  read_puzzle_metadata(path);
  H5Handle f = h5_open_read(path);
  if (!h5_exists(f.get(), "/test_puzzles")) return std::nullopt;
  return h5_read_string(f.get(), "/test_puzzles", path);
}

}  // namespace recur::datasets
