// A reader for the pickle programs that Python's torch.save writes for
// containers of tensors (a state_dict), without Python.
//
// Why our own: LibTorch's unpickler (torch::pickle_load) targets TorchScript
// and turns every collections.OrderedDict into None, and a state_dict *is* an
// OrderedDict, so it cannot read `torch.save(model.state_dict(), f)`. This is
// a small pickle machine for protocols 2-5 that knows exactly the objects
// torch.save emits for tensors: dicts and OrderedDicts, tuples, lists,
// scalars, strings, torch._utils._rebuild_tensor(_v2) / _rebuild_parameter,
// persistent storage references, and the type tags LibTorch's own pickler
// (torch::pickle_save, used by our export) puts around typed dicts. Anything else (arbitrary Python
// classes) is refused with an InputError: it never runs code from a file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/libtorch.h"

namespace recur::checkpoints {

struct PickleValue;
using PickleRef = std::shared_ptr<PickleValue>;  // pickle objects are shared and mutable (memo)

struct PickleValue {
  enum class Kind { kNone, kBool, kInt, kFloat, kString, kTuple, kList, kDict, kGlobal, kTensor };
  Kind kind = Kind::kNone;
  int64_t int_value = 0;                            // kBool, kInt
  double float_value = 0;                           // kFloat
  std::string text;                                 // kString; kGlobal: "module.name"
  std::vector<PickleRef> items;                     // kTuple, kList
  std::vector<std::pair<PickleRef, PickleRef>> entries;  // kDict, in insertion order
  torch::Tensor tensor;                             // kTensor (also a storage: 1-D, its full length)
};

// "dict", "tensor", ...: for messages.
std::string pickle_kind_name(PickleValue::Kind kind);

// Returns the storage of persistent id ("storage", <type>, key, location, numel)
// as a 1-D tensor of `dtype` and `numel` elements.
using StorageLoader = std::function<torch::Tensor(const std::string& key, torch::ScalarType dtype, int64_t numel)>;

// Runs the pickle program `bytes` and returns the object it builds; problems
// are InputErrors naming `path`.
PickleRef unpickle(const std::string& bytes, const StorageLoader& load_storage, const std::string& path);

}  // namespace recur::checkpoints
