// StateBundle: what one checkpoint file holds. Named tensors in a fixed order
// plus small typed records (step, epoch, config YAML, loader cursor, ...).
//
// Every stateful part of training (model, EMA, optimizer, carry, loader, RNG)
// hands its state to checkpoints/ as a bundle, so this folder never needs to
// know a model or loader type (design.md: layering). Tensor names are paths
// like "model/inner.H_init": the part before the first '/' is the group
// ("model", "ema", "optim", "carry", ...), the rest is the name the part uses
// (the reference state_dict name for weights). The order of tensors is kept,
// so a state_dict exported from a bundle has the reference key order.
// Records are small (HDF5 attributes); anything large belongs in a tensor.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "checkpoints/checksum.h"
#include "common/libtorch.h"

namespace recur::checkpoints {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;
using Record = std::variant<int64_t, double, std::string, std::vector<int64_t>, std::vector<std::string>>;

class StateBundle {
 public:
  // Adds a tensor; throws std::invalid_argument for an empty/duplicate name, a
  // name with "//", a leading or trailing '/', a '.'/'..' path part or a newline,
  // or one that is both a tensor and a group ("a" and "a/b").
  void add_tensor(const std::string& name, const torch::Tensor& tensor);
  // Adds each (name, tensor) as group + "/" + name, in order.
  void add_tensors(const std::string& group, const NamedTensors& named);

  const NamedTensors& tensors() const { return tensors_; }
  bool has_tensor(const std::string& name) const { return index_.count(name) > 0; }
  // The tensor called `name`; InputError naming source() when it is missing.
  const torch::Tensor& tensor(const std::string& name) const;
  // The tensors of `group` with the group prefix removed, in order (empty if none).
  NamedTensors group(const std::string& group) const;

  // Records: keys are attribute names; "format", "version", "checksum" and
  // "tensor_order" are reserved for the file itself (std::invalid_argument).
  void set_record(const std::string& key, Record value);
  const std::map<std::string, Record>& records() const { return records_; }
  bool has_record(const std::string& key) const { return records_.count(key) > 0; }
  // Typed getters: InputError naming source() for a missing key or another type.
  int64_t get_int(const std::string& key) const;
  double get_double(const std::string& key) const;
  const std::string& get_string(const std::string& key) const;
  const std::vector<int64_t>& get_ints(const std::string& key) const;
  const std::vector<std::string>& get_strings(const std::string& key) const;

  // The file a loaded bundle came from ("" when built in memory): errors name it.
  const std::string& source() const { return source_; }
  void set_source(std::string path) { source_ = std::move(path); }

 private:
  template <typename T>
  const T& get(const std::string& key, const char* type_name) const;

  NamedTensors tensors_;
  std::unordered_map<std::string, size_t> index_;
  std::map<std::string, Record> records_;  // sorted: the checksum order
  std::string source_;
};

// Root attributes a bundle file uses for itself; records may not take these keys.
bool is_reserved_record_key(const std::string& key);

// The content checksum of a bundle: every tensor in order (name, dtype, shape,
// raw bytes) then every record in key order (key, type, value). Writing and
// loading compute it the same way, so a stored value that differs from the
// recomputed one means the file changed after it was written.
// `each_tensor`, if given, sees every tensor as the contiguous CPU copy that
// was hashed, so a writer stores exactly the bytes it hashed (one device copy).
using TensorVisitor = std::function<void(const std::string& name, const torch::Tensor& cpu_tensor)>;
uint64_t bundle_checksum(const StateBundle& bundle, const TensorVisitor& each_tensor = {});

// The same checksum fed piece by piece, for a reader that streams a file and
// never holds a large tensor whole: tensors in bundle order, each one's
// header then its bytes in any number of pieces, then the records.
class BundleHasher {
 public:
  explicit BundleHasher(size_t tensor_count);
  void begin_tensor(const std::string& name, torch::ScalarType dtype, at::IntArrayRef sizes);
  void tensor_bytes(const void* data, size_t size);
  void records(const std::map<std::string, Record>& records);
  uint64_t digest() const;

 private:
  Checksum64 hash_;
};

// "float32", "bfloat16", "bool", ...: the dtype names used in checksums and inspect.
std::string dtype_name(torch::ScalarType dtype);

}  // namespace recur::checkpoints
