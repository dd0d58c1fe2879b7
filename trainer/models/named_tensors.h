// Named tensors: how a model's weights, an optimizer's state or an ACT carry are
// handed to checkpoints/, golden fixtures and other processes.
//
// Names are the reference repos' state_dict keys without torch.compile's
// `_orig_mod.` prefix (e.g. `model.inner.L_level.layers.0.self_attn.qkv_proj.weight`),
// so weights move between recur and the Python repos in both directions. The list is
// ordered (construction order, as in the reference's state_dict).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/libtorch.h"

namespace recur::trainer {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// The tensor called `name`, or an undefined tensor.
torch::Tensor find_named(const NamedTensors& list, const std::string& name);

// Copies every tensor of `targets` in place from the same-named tensor of `source`
// (converting dtype/device). Names in `source` may carry the `_orig_mod.` prefix of a
// compiled reference model. A target missing from `source`, a shape mismatch, or a
// `source` name that no target has is an InputError naming `where` and the tensor.
void copy_named_into(const NamedTensors& targets, const NamedTensors& source, const std::string& where);

// Builds a model's tensors in the reference's construction order. Random tensors are
// drawn on the CPU from one generator (so an init is the same on every device and
// rank) and then moved to `device`; parameters are fp32 master weights that require grad.
class TensorRegistry {
 public:
  TensorRegistry(torch::Generator init_generator, torch::Device device);

  // A trainable tensor drawn from trunc_normal(std) (models/init.h); std 0 gives zeros.
  torch::Tensor trunc_normal_parameter(const std::string& name, at::IntArrayRef shape, double std);
  // A trainable tensor drawn from U(-bound, bound) in fp32 (torch's uniform_), then cast
  // to `dtype` (PyTorch's default Conv1d init: URM's depthwise conv).
  torch::Tensor uniform_parameter(const std::string& name, at::IntArrayRef shape, double bound,
                                  torch::ScalarType dtype);
  // A persistent buffer (saved with the weights, not trained by AdamATan2).
  torch::Tensor trunc_normal_buffer(const std::string& name, at::IntArrayRef shape, double std,
                                    torch::ScalarType dtype);
  torch::Tensor zeros_buffer(const std::string& name, at::IntArrayRef shape);

  const NamedTensors& parameters() const { return parameters_; }
  const NamedTensors& buffers() const { return buffers_; }
  torch::Device device() const { return device_; }

 private:
  torch::Tensor draw(at::IntArrayRef shape, double std, torch::ScalarType dtype);

  torch::Generator generator_;
  torch::Device device_;
  NamedTensors parameters_;
  NamedTensors buffers_;
};

}  // namespace recur::trainer
