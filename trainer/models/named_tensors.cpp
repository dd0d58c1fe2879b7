// Named tensors and the construction-order registry (see named_tensors.h).
#include "trainer/models/named_tensors.h"

#include <set>

#include "common/error.h"
#include "trainer/models/init.h"

namespace recur::trainer {
namespace {

const std::string kCompiledPrefix = "_orig_mod.";

std::string shape_string(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

std::string strip_compiled_prefix(const std::string& name) {
  return name.rfind(kCompiledPrefix, 0) == 0 ? name.substr(kCompiledPrefix.size()) : name;
}

}  // namespace

torch::Tensor find_named(const NamedTensors& list, const std::string& name) {
  for (const auto& [n, t] : list)
    if (n == name) return t;
  return {};
}

void copy_named_into(const NamedTensors& targets, const NamedTensors& source, const std::string& where) {
  NamedTensors stripped;
  stripped.reserve(source.size());
  for (const auto& [n, t] : source) stripped.emplace_back(strip_compiled_prefix(n), t);

  std::set<std::string> known;
  torch::NoGradGuard no_grad;
  for (const auto& [name, target] : targets) {
    known.insert(name);
    torch::Tensor src = find_named(stripped, name);
    if (!src.defined()) throw InputError(where, "missing tensor '" + name + "'");
    if (src.sizes() != target.sizes())
      throw InputError(where, "tensor '" + name + "' has shape " + shape_string(src.sizes()) +
                                  ", the model needs " + shape_string(target.sizes()));
    target.copy_(src);
  }
  for (const auto& [name, t] : stripped)
    if (!known.count(name)) throw InputError(where, "unknown tensor '" + name + "' (not part of this model)");
}

TensorRegistry::TensorRegistry(torch::Generator init_generator, torch::Device device)
    : generator_(std::move(init_generator)), device_(device) {}

torch::Tensor TensorRegistry::draw(at::IntArrayRef shape, double std, torch::ScalarType dtype) {
  if (std == 0) return torch::zeros(shape, torch::TensorOptions().dtype(dtype).device(device_));
  // Drawn in fp32 on the CPU whatever the target: the generator stream then does not
  // depend on the device or forward dtype.
  torch::Tensor t = torch::empty(shape, torch::kFloat32);
  trunc_normal_(t, std, generator_);
  return t.to(device_, dtype);
}

torch::Tensor TensorRegistry::trunc_normal_parameter(const std::string& name, at::IntArrayRef shape, double std) {
  torch::Tensor t = draw(shape, std, torch::kFloat32).set_requires_grad(true);
  parameters_.emplace_back(name, t);
  return t;
}

torch::Tensor TensorRegistry::uniform_parameter(const std::string& name, at::IntArrayRef shape, double bound,
                                                torch::ScalarType dtype) {
  torch::Tensor t = torch::empty(shape, torch::kFloat32);
  t.uniform_(-bound, bound, generator_);
  t = t.to(device_, dtype).set_requires_grad(true);
  parameters_.emplace_back(name, t);
  return t;
}

torch::Tensor TensorRegistry::trunc_normal_buffer(const std::string& name, at::IntArrayRef shape, double std,
                                                  torch::ScalarType dtype) {
  torch::Tensor t = draw(shape, std, dtype);
  buffers_.emplace_back(name, t);
  return t;
}

torch::Tensor TensorRegistry::zeros_buffer(const std::string& name, at::IntArrayRef shape) {
  return trunc_normal_buffer(name, shape, 0.0, torch::kFloat32);
}

}  // namespace recur::trainer
