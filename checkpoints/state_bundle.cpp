// StateBundle and its content checksum (see state_bundle.h).
#include "checkpoints/state_bundle.h"

#include <stdexcept>

#include "common/error.h"

namespace recur::checkpoints {
namespace {

const char* const kReservedKeys[] = {"format", "version", "checksum", "tensor_order"};

void check_tensor_name(const std::string& name) {
  auto bad = [&](const std::string& why) {
    throw std::invalid_argument("StateBundle: tensor name '" + name + "' " + why);
  };
  if (name.empty()) bad("is empty");
  if (name.front() == '/' || name.back() == '/') bad("starts or ends with '/'");
  if (name.find("//") != std::string::npos) bad("contains '//'");
  if (name.find('\n') != std::string::npos) bad("contains a newline");
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "." || part == "..") bad("has a '.' or '..' path part");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
}

// Index of a record alternative, fixed forever: it is part of the checksum.
uint64_t record_type_tag(const Record& r) { return static_cast<uint64_t>(r.index()); }

void hash_record(Checksum64& h, const std::string& key, const Record& record) {
  h.update_string(key);
  h.update_u64(record_type_tag(record));
  if (auto* i = std::get_if<int64_t>(&record)) {
    h.update_u64(static_cast<uint64_t>(*i));
  } else if (auto* d = std::get_if<double>(&record)) {
    h.update(d, sizeof(double));
  } else if (auto* s = std::get_if<std::string>(&record)) {
    h.update_string(*s);
  } else if (auto* is = std::get_if<std::vector<int64_t>>(&record)) {
    h.update_u64(is->size());
    for (int64_t v : *is) h.update_u64(static_cast<uint64_t>(v));
  } else {
    const auto& ss = std::get<std::vector<std::string>>(record);
    h.update_u64(ss.size());
    for (const std::string& v : ss) h.update_string(v);
  }
}

}  // namespace

bool is_reserved_record_key(const std::string& key) {
  for (const char* reserved : kReservedKeys)
    if (key == reserved) return true;
  return false;
}

void StateBundle::add_tensor(const std::string& name, const torch::Tensor& tensor) {
  check_tensor_name(name);
  if (!tensor.defined()) throw std::invalid_argument("StateBundle: tensor '" + name + "' is undefined");
  if (has_tensor(name)) throw std::invalid_argument("StateBundle: duplicate tensor name '" + name + "'");
  // HDF5 cannot hold "a" as a dataset and as the group of "a/b" at once.
  for (size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1))
    if (has_tensor(name.substr(0, slash)))
      throw std::invalid_argument("StateBundle: '" + name + "' lies below tensor '" + name.substr(0, slash) + "'");
  for (const auto& entry : tensors_)
    if (entry.first.compare(0, name.size() + 1, name + "/") == 0)
      throw std::invalid_argument("StateBundle: '" + name + "' is the group of tensor '" + entry.first + "'");
  index_.emplace(name, tensors_.size());
  tensors_.emplace_back(name, tensor);
}

void StateBundle::add_tensors(const std::string& group, const NamedTensors& named) {
  for (const auto& [name, tensor] : named) add_tensor(group + "/" + name, tensor);
}

const torch::Tensor& StateBundle::tensor(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end()) throw InputError(source_, "missing tensor '" + name + "'");
  return tensors_[it->second].second;
}

NamedTensors StateBundle::group(const std::string& group) const {
  NamedTensors out;
  std::string prefix = group + "/";
  for (const auto& [name, tensor] : tensors_)
    if (name.compare(0, prefix.size(), prefix) == 0) out.emplace_back(name.substr(prefix.size()), tensor);
  return out;
}

void StateBundle::set_record(const std::string& key, Record value) {
  if (key.empty() || key.find('/') != std::string::npos || is_reserved_record_key(key))
    throw std::invalid_argument("StateBundle: '" + key + "' cannot be a record key (empty, has '/' or reserved)");
  records_[key] = std::move(value);
}

template <typename T>
const T& StateBundle::get(const std::string& key, const char* type_name) const {
  auto it = records_.find(key);
  if (it == records_.end()) throw InputError(source_, "missing record '" + key + "'");
  const T* value = std::get_if<T>(&it->second);
  if (!value) throw InputError(source_, "record '" + key + "' is not " + type_name);
  return *value;
}

int64_t StateBundle::get_int(const std::string& key) const { return get<int64_t>(key, "an integer"); }
double StateBundle::get_double(const std::string& key) const { return get<double>(key, "a number"); }
const std::string& StateBundle::get_string(const std::string& key) const {
  return get<std::string>(key, "a string");
}
const std::vector<int64_t>& StateBundle::get_ints(const std::string& key) const {
  return get<std::vector<int64_t>>(key, "a list of integers");
}
const std::vector<std::string>& StateBundle::get_strings(const std::string& key) const {
  return get<std::vector<std::string>>(key, "a list of strings");
}

BundleHasher::BundleHasher(size_t tensor_count) {
  hash_.update_string("recur-checkpoint/1");
  hash_.update_u64(tensor_count);
}

void BundleHasher::begin_tensor(const std::string& name, torch::ScalarType dtype, at::IntArrayRef sizes) {
  hash_.update_string(name);
  hash_.update_string(dtype_name(dtype));
  hash_.update_u64(static_cast<uint64_t>(sizes.size()));
  int64_t numel = 1;
  for (int64_t size : sizes) {
    hash_.update_u64(static_cast<uint64_t>(size));
    numel *= size;
  }
  hash_.update_u64(static_cast<uint64_t>(numel) * c10::elementSize(dtype));
}

void BundleHasher::tensor_bytes(const void* data, size_t size) {
  if (size > 0) hash_.update(data, size);
}

void BundleHasher::records(const std::map<std::string, Record>& records) {
  hash_.update_u64(records.size());
  for (const auto& [key, record] : records) hash_record(hash_, key, record);
}

uint64_t BundleHasher::digest() const { return hash_.digest(); }

uint64_t bundle_checksum(const StateBundle& bundle, const TensorVisitor& each_tensor) {
  BundleHasher h(bundle.tensors().size());
  for (const auto& [name, tensor] : bundle.tensors()) {
    const torch::Tensor c = tensor.detach().to(torch::kCPU).contiguous();
    h.begin_tensor(name, c.scalar_type(), c.sizes());
    h.tensor_bytes(c.data_ptr(), static_cast<size_t>(c.numel()) * c.element_size());
    if (each_tensor) each_tensor(name, c);
  }
  h.records(bundle.records());
  return h.digest();
}

std::string dtype_name(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat32: return "float32";
    case torch::kFloat64: return "float64";
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    case torch::kInt64: return "int64";
    case torch::kInt32: return "int32";
    case torch::kInt16: return "int16";
    case torch::kInt8: return "int8";
    case torch::kUInt8: return "uint8";
    case torch::kBool: return "bool";
    default: return c10::toString(dtype);
  }
}

}  // namespace recur::checkpoints
