// One StateBundle <-> one HDF5 file, written atomically and verified on load.
//
// Layout (readable with h5py): each tensor is a dataset at its bundle name
// ("model/inner.H_init" is dataset /model/inner.H_init); each record is a
// root attribute. The root also holds `format = "recur-checkpoint"`,
// `version = 1`, `tensor_order` (the tensor names, newline-separated, so the
// order survives) and `checksum` (16 hex digits, see bundle_checksum()).
// Datasets are stored uncompressed: weights barely compress, and plain
// layout keeps reading and writing at disk speed.
//
// What a load detects: truncation (HDF5 refuses files shorter than their
// recorded end), flipped bits in HDF5 metadata (the 1.8 format checksums its
// object headers) and in tensor data or records (our content checksum).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "checkpoints/state_bundle.h"
#include "checkpoints/tensor_h5.h"

namespace recur::checkpoints {

// Writes `bundle` to `path` atomically (atomic_file.h); returns the stored checksum.
uint64_t write_bundle(const std::string& path, const StateBundle& bundle);

// Tensors to load in place: a stored tensor whose name is a key here is read
// straight into that tensor (same shape and dtype, any device) instead of a
// new one, so a large tensor (the puzzle-embedding table) is never held
// twice. The bundle returned holds these same tensors under their names.
using LoadTargets = std::map<std::string, torch::Tensor>;

// Reads the whole bundle and verifies its checksum. Any problem (missing file,
// not a recur checkpoint file, truncated, corrupt, checksum mismatch, a
// target of another shape or dtype) is an InputError naming the file. The
// bundle's source() is `path`; `checksum`, if given, receives the verified
// content checksum. After a checksum mismatch the targets hold the bad data.
StateBundle read_bundle(const std::string& path, uint64_t* checksum = nullptr, const LoadTargets& into = {});

// Verifies the file as read_bundle does, reading it in blocks of at most 64
// MiB and keeping nothing: memory stays flat whatever the file's size.
// Returns the verified content checksum.
uint64_t verify_bundle(const std::string& path);

// What the file holds, from metadata only (no tensor data is read, nothing verified).
struct BundleSummary {
  std::vector<std::pair<std::string, TensorMeta>> tensors;  // in bundle order
  std::map<std::string, Record> records;
  uint64_t checksum = 0;  // as stored in the file
};
BundleSummary read_bundle_summary(const std::string& path);

}  // namespace recur::checkpoints
