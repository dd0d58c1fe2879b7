// .pt state_dict export and import (see state_dict_file.h).
#include "checkpoints/state_dict_file.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/pickler.h>

#include <cstring>
#include <fstream>
#include <set>

#include "checkpoints/atomic_file.h"
#include "checkpoints/pickle_reader.h"
#include "common/error.h"

namespace recur::checkpoints {
namespace {

constexpr const char* kCompilePrefix = "_orig_mod.";

std::string file_head(const std::string& path, size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string head(n, '\0');
  in.read(head.data(), static_cast<std::streamsize>(n));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

// Explains why a file that is not a torch.save zip archive cannot be read.
[[noreturn]] void refuse_non_zip(const std::string& path) {
  std::ifstream probe(path, std::ios::binary);
  if (!probe) throw InputError(path, "cannot open file (missing or unreadable)");
  std::string head = file_head(path, 2);
  if (!head.empty() && static_cast<unsigned char>(head[0]) == 0x80)
    throw InputError(path, "legacy torch.save format (torch < 1.6 or _use_new_zipfile_serialization=False): "
                           "re-save it with torch.save(torch.load(f), f) in a newer torch");
  throw InputError(path, "not a torch.save .pt file (no zip archive)");
}

std::string record_text(caffe2::serialize::PyTorchStreamReader& reader, const std::string& name) {
  auto [data, size] = reader.getRecord(name);
  return std::string(static_cast<const char*>(data.get()), size);
}

NamedTensors as_named_tensors(const PickleRef& root, const std::string& path) {
  if (root->kind != PickleValue::Kind::kDict)
    throw InputError(path, "holds a " + pickle_kind_name(root->kind) +
                               ", not a dict of tensors (save model.state_dict())");
  NamedTensors named;
  std::set<std::string> seen;
  for (const auto& [key, value] : root->entries) {
    if (key->kind != PickleValue::Kind::kString) throw InputError(path, "has a key that is not a string");
    std::string name = key->text;
    if (name.compare(0, std::strlen(kCompilePrefix), kCompilePrefix) == 0) name = name.substr(std::strlen(kCompilePrefix));
    if (value->kind != PickleValue::Kind::kTensor)
      throw InputError(path, "entry '" + key->text + "' is a " + pickle_kind_name(value->kind) +
                                 ", not a tensor (save model.state_dict())");
    if (!seen.insert(name).second) throw InputError(path, "has '" + name + "' twice (with and without _orig_mod.)");
    named.emplace_back(name, value->tensor);
  }
  return named;
}

}  // namespace

bool looks_like_torch_file(const std::string& path) { return file_head(path, 4) == std::string("PK\x03\x04", 4); }

// torch::pickle_save would tag the typed dict with torch.jit._pickle.restore_type_tag,
// a global that torch.load refuses by default since PyTorch 2.6 (weights_only=True).
// So the dict is pickled untagged, as torch.save pickles a state_dict (tensors as
// torch._utils._rebuild_tensor_v2 of storages data/0, data/1, ...), into the same
// zip layout.
void export_state_dict(const std::string& path, const NamedTensors& named) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, tensor] : named) {
    torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
    // A slice of a larger storage (the flat parameter buffers) is written alone, as torch.save of a clone.
    if (t.storage_offset() != 0 || t.storage().nbytes() != t.nbytes()) t = t.clone();
    dict.insert(name, t);
  }
  std::vector<char> pickle;
  torch::jit::Pickler pickler([&](const char* data, size_t n) { pickle.insert(pickle.end(), data, data + n); },
                              nullptr, nullptr, nullptr, nullptr, /*tag_aggregates=*/false);
  pickler.protocol();
  pickler.pushIValue(c10::IValue(dict));
  pickler.stop();
  std::string bytes;
  {
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t n) {
      bytes.append(static_cast<const char*>(data), n);
      return n;
    });
    writer.writeRecord("data.pkl", pickle.data(), pickle.size());
    writer.writeRecord("byteorder", "little", 6);
    const std::vector<at::Tensor>& storages = pickler.tensorData();
    for (size_t i = 0; i < storages.size(); ++i) {
      const auto storage = torch::jit::getWriteableTensorData(storages[i]);
      writer.writeRecord("data/" + std::to_string(i), storage.data(), storage.sizeInBytes());
    }
    writer.writeEndOfFile();
  }
  write_file_atomically(path, bytes.data(), bytes.size());
}

NamedTensors import_state_dict(const std::string& path) {
  if (!looks_like_torch_file(path)) refuse_non_zip(path);
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (reader.hasRecord("byteorder") && record_text(reader, "byteorder") != "little")
      throw InputError(path, "was written on a big-endian machine; recur reads little-endian files only");
    auto load_storage = [&](const std::string& key, torch::ScalarType dtype, int64_t numel) {
      auto [data, size] = reader.getRecord("data/" + key);
      size_t element = c10::elementSize(dtype);
      if (numel < 0 || size % element != 0 || size / element != static_cast<size_t>(numel))
        throw InputError(path, "storage data/" + key + " has " + std::to_string(size) + " bytes, not " +
                                   std::to_string(numel) + " elements of " + std::to_string(element) +
                                   " bytes (corrupt file)");
      torch::Tensor storage = torch::empty({numel}, torch::TensorOptions().dtype(dtype));
      if (size > 0) std::memcpy(storage.data_ptr(), data.get(), size);
      return storage;
    };
    return as_named_tensors(unpickle(record_text(reader, "data.pkl"), load_storage, path), path);
  } catch (const c10::Error& e) {  // zip errors from the stream reader
    std::string what = e.what_without_backtrace();
    throw InputError(path, "unreadable .pt archive (truncated or corrupt): " + what.substr(0, what.find('\n')));
  }
}

}  // namespace recur::checkpoints
