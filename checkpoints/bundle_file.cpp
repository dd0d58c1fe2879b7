// StateBundle files (see bundle_file.h).
#include "checkpoints/bundle_file.h"

#include <algorithm>
#include <sstream>

#include "checkpoints/atomic_file.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checksum.h"
#include "common/error.h"

namespace recur::checkpoints {
namespace {

std::string join_lines(const NamedTensors& tensors) {
  std::string out;
  for (const auto& entry : tensors) out += (out.empty() ? "" : "\n") + entry.first;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

void write_record(hid_t file, const std::string& key, const Record& record) {
  std::visit([&](const auto& value) { write_attr(file, ".", key, value); }, record);
}

Record read_record(hid_t file, const std::string& key, const std::string& path) {
  switch (attr_kind(file, ".", key, path)) {
    case AttrKind::kInt: return read_attr_int(file, ".", key, path);
    case AttrKind::kDouble: return read_attr_double(file, ".", key, path);
    case AttrKind::kString: return read_attr_string(file, ".", key, path);
    case AttrKind::kIntList: return read_attr_ints(file, ".", key, path);
    case AttrKind::kStringList: return read_attr_strings(file, ".", key, path);
    default: throw InputError(path, "root attribute '" + key + "' has a type recur does not store");
  }
}

// Opens `path`, checks it is a recur checkpoint file of a known version, and
// returns the tensor names in bundle order (validated against the datasets).
H5Handle open_bundle(const std::string& path, std::vector<std::string>* tensor_order) {
  H5Handle file = open_h5_read(path);
  if (!has_attr(file.get(), ".", "format") || read_attr_string(file.get(), ".", "format", path) != kCheckpointFormat)
    throw InputError(path, std::string("not a recur checkpoint file (no root attribute format=\"") + kCheckpointFormat + "\")");
  int64_t version = read_attr_int(file.get(), ".", "version", path);
  if (version != kCheckpointVersion)
    throw InputError(path, "checkpoint file version " + std::to_string(version) + " is not supported (this build reads " +
                               std::to_string(kCheckpointVersion) + ")");
  *tensor_order = split_lines(read_attr_string(file.get(), ".", "tensor_order", path));
  std::vector<std::string> listed = *tensor_order;
  std::sort(listed.begin(), listed.end());
  if (listed != list_datasets(file.get(), "/"))
    throw InputError(path, "the datasets in the file do not match its tensor_order list (file altered or corrupt)");
  return file;
}

uint64_t stored_checksum(hid_t file, const std::string& path) {
  uint64_t value = 0;
  if (!checksum_from_hex(read_attr_string(file, ".", "checksum", path), &value))
    throw InputError(path, "root attribute 'checksum' is not 16 hex digits (corrupt file)");
  return value;
}

std::map<std::string, Record> read_records(hid_t file, const std::string& path) {
  std::map<std::string, Record> records;
  for (const std::string& key : list_attrs(file, "."))
    if (!is_reserved_record_key(key)) records.emplace(key, read_record(file, key, path));
  return records;
}

}  // namespace

uint64_t write_bundle(const std::string& path, const StateBundle& bundle) {
  uint64_t checksum = 0;
  write_atomically(path, [&](const std::string& tmp) {
    H5Handle file = create_h5(tmp);
    checksum = bundle_checksum(bundle, [&](const std::string& name, const torch::Tensor& cpu) {
      write_tensor(file.get(), name, cpu);
    });
    for (const auto& [key, record] : bundle.records()) write_record(file.get(), key, record);
    write_attr(file.get(), ".", "format", std::string(kCheckpointFormat));
    write_attr(file.get(), ".", "version", kCheckpointVersion);
    write_attr(file.get(), ".", "tensor_order", join_lines(bundle.tensors()));
    write_attr(file.get(), ".", "checksum", checksum_to_hex(checksum));
    flush_h5(file.get(), tmp);
  });
  return checksum;
}

StateBundle read_bundle(const std::string& path, uint64_t* checksum) {
  std::vector<std::string> order;
  H5Handle file = open_bundle(path, &order);
  StateBundle bundle;
  bundle.set_source(path);
  try {
    for (const std::string& name : order) bundle.add_tensor(name, read_tensor(file.get(), name, path));
    for (auto& [key, record] : read_records(file.get(), path)) bundle.set_record(key, std::move(record));
  } catch (const std::invalid_argument& e) {  // names no writer of ours produces
    throw InputError(path, std::string("unusable content: ") + e.what());
  }
  uint64_t stored = stored_checksum(file.get(), path);
  uint64_t computed = bundle_checksum(bundle);
  if (stored != computed)
    throw InputError(path, "checksum mismatch (stored " + checksum_to_hex(stored) + ", content hashes to " +
                               checksum_to_hex(computed) + "): the file is corrupt");
  if (checksum) *checksum = computed;
  return bundle;
}

BundleSummary read_bundle_summary(const std::string& path) {
  std::vector<std::string> order;
  H5Handle file = open_bundle(path, &order);
  BundleSummary summary;
  for (const std::string& name : order) summary.tensors.emplace_back(name, read_tensor_meta(file.get(), name, path));
  summary.records = read_records(file.get(), path);
  summary.checksum = stored_checksum(file.get(), path);
  return summary;
}

}  // namespace recur::checkpoints
