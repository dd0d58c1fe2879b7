// StateBundle files (see bundle_file.h).
#include "checkpoints/bundle_file.h"

#include <algorithm>
#include <functional>
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

// Streamed reads go in blocks of rows of about this size.
constexpr int64_t kBlockBytes = int64_t{64} << 20;

int64_t rows_of(const TensorMeta& meta) { return meta.sizes.empty() ? 1 : meta.sizes[0]; }

// Reads tensor `name` block by block: hashes its bytes and hands each block of
// rows (a CPU tensor of its dtype, valid until the next block) to `sink`.
void stream_tensor(hid_t file, const std::string& name, const TensorMeta& meta, const std::string& path,
                   BundleHasher& hash, const std::function<void(int64_t first, const torch::Tensor& rows)>& sink) {
  const auto options = torch::TensorOptions().dtype(meta.dtype);
  int64_t numel = 1;
  for (int64_t size : meta.sizes) numel *= size;
  if (numel == 0) return;
  const int64_t rows = rows_of(meta);
  const int64_t row_bytes = numel / rows * static_cast<int64_t>(c10::elementSize(meta.dtype));
  const int64_t block_rows = std::max<int64_t>(1, std::min(rows, kBlockBytes / row_bytes));
  std::vector<int64_t> block_shape = meta.sizes;
  if (!block_shape.empty()) block_shape[0] = block_rows;
  torch::Tensor block = torch::empty(block_shape, options);
  for (int64_t first = 0; first < rows; first += block_rows) {
    const int64_t n = std::min(block_rows, rows - first);
    read_tensor_rows(file, name, path, first, n, block.data_ptr());
    hash.tensor_bytes(block.data_ptr(), static_cast<size_t>(n * row_bytes));
    if (sink) sink(first, meta.sizes.empty() ? block : block.narrow(0, 0, n));
  }
}

// Reads tensor `name` into `target`: straight into its memory when it is a
// contiguous CPU tensor, else block by block through a small CPU buffer.
void read_into(hid_t file, const std::string& name, const TensorMeta& meta, const std::string& path,
               const torch::Tensor& target, BundleHasher& hash) {
  if (target.sizes() != at::IntArrayRef(meta.sizes) || target.scalar_type() != meta.dtype)
    throw InputError(path, "tensor '" + name + "' is " + dtype_name(meta.dtype) + " " + c10::str(meta.sizes) +
                               ", but the tensor it loads into is " + dtype_name(target.scalar_type()) + " " +
                               c10::str(target.sizes()));
  torch::NoGradGuard no_grad;  // parameters are loaded in place, outside autograd
  if (target.is_cpu() && target.is_contiguous()) {
    const size_t bytes = static_cast<size_t>(target.numel()) * target.element_size();
    if (bytes > 0) read_tensor_rows(file, name, path, 0, rows_of(meta), target.data_ptr());
    hash.tensor_bytes(target.data_ptr(), bytes);
    return;
  }
  stream_tensor(file, name, meta, path, hash, [&](int64_t first, const torch::Tensor& rows) {
    (meta.sizes.empty() ? target : target.narrow(0, first, rows.size(0))).copy_(rows);
  });
}

void check_checksum(hid_t file, const std::string& path, uint64_t computed) {
  const uint64_t stored = stored_checksum(file, path);
  if (stored != computed)
    throw InputError(path, "checksum mismatch (stored " + checksum_to_hex(stored) + ", content hashes to " +
                               checksum_to_hex(computed) + "): the file is corrupt");
}

}  // namespace

uint64_t write_bundle(const std::string& path, const StateBundle& bundle) {
  uint64_t checksum = 0;
  write_atomically(path, [&](const std::string& tmp) {
    try {
      H5Handle file = create_h5(tmp);
      checksum = bundle_checksum(bundle, [&](const std::string& name, const torch::Tensor& cpu) {
        write_tensor(file.get(), name, cpu);
      });
      for (const auto& [key, record] : bundle.records()) write_record(file.get(), key, record);
      write_attr(file.get(), ".", "format", std::string(kCheckpointFormat));
      write_attr(file.get(), ".", "version", kCheckpointVersion);
      write_attr(file.get(), ".", "tensor_order", join_lines(bundle.tensors()));
      write_attr(file.get(), ".", "checksum", checksum_to_hex(checksum));
      close_h5(file);
    } catch (const InputError&) {
      throw;
    } catch (const std::runtime_error& e) {  // HDF5 gave the reason; the user knows the final name
      throw std::runtime_error(path + ": " + e.what());
    }
  });
  return checksum;
}

StateBundle read_bundle(const std::string& path, uint64_t* checksum, const LoadTargets& into) {
  std::vector<std::string> order;
  H5Handle file = open_bundle(path, &order);
  StateBundle bundle;
  bundle.set_source(path);
  BundleHasher hash(order.size());
  try {
    for (const std::string& name : order) {
      const TensorMeta meta = read_tensor_meta(file.get(), name, path);
      hash.begin_tensor(name, meta.dtype, meta.sizes);
      const auto target = into.find(name);
      if (target != into.end()) {
        read_into(file.get(), name, meta, path, target->second, hash);
        bundle.add_tensor(name, target->second);
        continue;
      }
      torch::Tensor t = read_tensor(file.get(), name, path);
      hash.tensor_bytes(t.data_ptr(), static_cast<size_t>(t.numel()) * t.element_size());
      bundle.add_tensor(name, t);
    }
    for (auto& [key, record] : read_records(file.get(), path)) bundle.set_record(key, std::move(record));
  } catch (const std::invalid_argument& e) {  // names no writer of ours produces
    throw InputError(path, std::string("unusable content: ") + e.what());
  }
  hash.records(bundle.records());
  check_checksum(file.get(), path, hash.digest());
  if (checksum) *checksum = hash.digest();
  return bundle;
}

uint64_t verify_bundle(const std::string& path) {
  std::vector<std::string> order;
  H5Handle file = open_bundle(path, &order);
  BundleHasher hash(order.size());
  for (const std::string& name : order) {
    const TensorMeta meta = read_tensor_meta(file.get(), name, path);
    hash.begin_tensor(name, meta.dtype, meta.sizes);
    stream_tensor(file.get(), name, meta, path, hash, nullptr);
  }
  hash.records(read_records(file.get(), path));
  check_checksum(file.get(), path, hash.digest());
  return hash.digest();
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
