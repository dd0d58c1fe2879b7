// Flat parameter and state buffers (see flat_buffers.h).
#include "trainer/optim/flat_buffers.h"

#include <c10/util/strides.h>

#include <stdexcept>

namespace recur::trainer {
namespace {

// The slice of `buffer` at `offset` shaped as `like`, sharing the buffer's storage.
torch::Tensor slice_of_buffer(const torch::Tensor& buffer, int64_t offset, at::IntArrayRef sizes) {
  torch::Tensor alias = torch::empty({0}, buffer.options());
  alias.set_(buffer.storage(), buffer.storage_offset() + offset, sizes, c10::contiguous_strides(sizes));
  return alias;
}

}  // namespace

FlatBuffers FlatBuffers::adopt(const NamedTensors& params) {
  FlatBuffers f;
  std::vector<torch::TensorOptions> kinds;
  std::vector<int64_t> sizes;
  for (const auto& [name, p] : params) {
    size_t b = 0;
    while (b < kinds.size() && !(kinds[b].dtype() == p.dtype() && kinds[b].device() == p.device())) ++b;
    if (b == kinds.size()) {
      kinds.push_back(torch::TensorOptions().dtype(p.dtype()).device(p.device()));
      sizes.push_back(0);
    }
    f.slots_.push_back({b, sizes[b]});
    sizes[b] += p.numel();
  }
  for (size_t b = 0; b < kinds.size(); ++b) f.buffers_.push_back(torch::empty({sizes[b]}, kinds[b]));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& [name, p] = params[i];
    torch::Tensor slice = slice_of_buffer(f.buffers_[f.slots_[i].buffer], f.slots_[i].offset, p.sizes());
    slice.copy_(p.detach());
    p.set_data(slice);
    f.slices_.emplace_back(name, slice);
  }
  f.originals_ = params;
  return f;
}

FlatBuffers FlatBuffers::with_buffers(std::vector<torch::Tensor> buffers, const std::string& prefix) const {
  FlatBuffers f;
  f.slots_ = slots_;
  f.buffers_ = std::move(buffers);
  for (size_t i = 0; i < slots_.size(); ++i)
    f.slices_.emplace_back(prefix + slices_[i].first,
                           slice_of_buffer(f.buffers_[slots_[i].buffer], slots_[i].offset, slices_[i].second.sizes()));
  return f;
}

NamedTensors FlatBuffers::slices_of(const std::vector<torch::Tensor>& buffers) const {
  if (buffers.size() != buffers_.size()) throw std::logic_error("FlatBuffers: buffers of another layout");
  return with_buffers(buffers, "").slices_;
}

FlatBuffers FlatBuffers::zeros_like(const std::string& prefix) const {
  std::vector<torch::Tensor> buffers;
  for (const auto& b : buffers_) buffers.push_back(torch::zeros_like(b));
  return with_buffers(std::move(buffers), prefix);
}

FlatBuffers FlatBuffers::clone(const std::string& prefix) const {
  std::vector<torch::Tensor> buffers;
  for (const auto& b : buffers_) buffers.push_back(b.detach().clone());
  return with_buffers(std::move(buffers), prefix);
}

void FlatBuffers::check_gradient_layout(const std::vector<torch::Tensor>& grad_buffers) const {
  for (size_t i = 0; i < originals_.size(); ++i) {
    const Slot& slot = slots_[i];
    const torch::Tensor& grad = originals_[i].second.grad();
    if (slot.buffer >= grad_buffers.size() || !grad.defined())
      throw std::logic_error("FlatBuffers: parameter " + originals_[i].first + " has no flat gradient");
    const torch::Tensor& buffer = grad_buffers[slot.buffer];
    const auto* expected = static_cast<const char*>(buffer.data_ptr()) + slot.offset * buffer.element_size();
    if (grad.data_ptr() != expected || buffer.numel() != buffers_[slot.buffer].numel())
      throw std::logic_error("FlatBuffers: the gradient of parameter " + originals_[i].first +
                             " is not at its offset of the flat gradient buffer");
  }
}

}  // namespace recur::trainer
