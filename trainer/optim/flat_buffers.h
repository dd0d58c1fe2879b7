// Parameters (or their optimizer state) laid end to end in flat buffers, one per
// dtype and device, so an optimizer or the EMA updates all of them in one pass per
// buffer instead of one small kernel per tensor.
//
// adopt() moves each parameter's data into its slice (set_data: the parameter keeps
// its identity, name, requires_grad and autograd role; only where its numbers live
// changes), with the same grouping and order as distributed::FlatGradients, so the
// i-th parameter sits at the same offset of its param buffer as its .grad of its
// gradient buffer: an update is then elementwise over (param, grad, state) buffers.
// The slices are plain tensors sharing the buffer's storage (set_, not autograd
// views). zeros_like()/clone() make optimizer state of the same layout, whose slices
// are the named per-parameter tensors a checkpoint holds.
#pragma once

#include <string>
#include <vector>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"

namespace recur::trainer {

class FlatBuffers {
 public:
  // Moves the data of `params` into flat buffers; their values are kept.
  static FlatBuffers adopt(const NamedTensors& params);

  // Same layout, filled with zeros / a copy of these values; slice i is named
  // `prefix` + the name of tensor i.
  FlatBuffers zeros_like(const std::string& prefix) const;
  FlatBuffers clone(const std::string& prefix) const;

  const std::vector<torch::Tensor>& buffers() const { return buffers_; }
  // One per tensor, shaped as it, in adopt()'s order.
  const NamedTensors& slices() const { return slices_; }
  // The same slices of other buffers of this layout (the gradient buffers), named as slices().
  NamedTensors slices_of(const std::vector<torch::Tensor>& buffers) const;

  // Throws std::logic_error unless every tensor's .grad is the slice at its offset of
  // `grad_buffers` (distributed::FlatGradients of the same parameters, same order).
  void check_gradient_layout(const std::vector<torch::Tensor>& grad_buffers) const;

 private:
  struct Slot {
    size_t buffer;   // index into buffers_
    int64_t offset;  // first element in the buffer
  };
  FlatBuffers with_buffers(std::vector<torch::Tensor> buffers, const std::string& prefix) const;

  std::vector<Slot> slots_;
  std::vector<torch::Tensor> buffers_;
  NamedTensors slices_;
  NamedTensors originals_;  // adopt()'s parameters (for check_gradient_layout)
};

}  // namespace recur::trainer
