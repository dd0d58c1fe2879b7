// Flat gradient buffers (see flat_gradients.h).
#include "distributed/flat_gradients.h"

#include <c10/util/strides.h>

#include <stdexcept>
#include <string>

namespace recur::distributed {

FlatGradients::FlatGradients(const std::vector<torch::Tensor>& params) {
  // Pass 1: place every parameter in the buffer of its dtype and device.
  std::vector<torch::TensorOptions> kinds;
  std::vector<int64_t> sizes;
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    if (!p.defined() || !p.requires_grad())
      throw std::invalid_argument("FlatGradients: parameter " + std::to_string(i) + " does not require grad");
    size_t b = 0;
    while (b < kinds.size() && !(kinds[b].dtype() == p.dtype() && kinds[b].device() == p.device())) ++b;
    if (b == kinds.size()) {
      kinds.push_back(torch::TensorOptions().dtype(p.dtype()).device(p.device()));
      sizes.push_back(0);
    }
    slots_.push_back({p, b, sizes[b]});
    sizes[b] += p.numel();
  }
  for (size_t b = 0; b < kinds.size(); ++b) buffers_.push_back(torch::zeros({sizes[b]}, kinds[b]));

  // Pass 2: point each .grad at its slice, through set_ so it is not an autograd view.
  torch::NoGradGuard no_grad;
  for (auto& slot : slots_) {
    const auto& buffer = buffers_[slot.buffer];
    auto alias = torch::empty({0}, buffer.options());
    alias.set_(buffer.storage(), slot.offset, slot.param.sizes(), c10::contiguous_strides(slot.param.sizes()));
    if (slot.param.grad().defined()) alias.copy_(slot.param.grad());
    slot.param.mutable_grad() = alias;
  }
}

void FlatGradients::zero() {
  for (auto& buffer : buffers_) buffer.zero_();
}

void FlatGradients::all_reduce_sum(Communicator& comm) {
  for (auto& buffer : buffers_) {
    if (buffer.scalar_type() != torch::kBFloat16) {
      comm.all_reduce_sum(buffer, "grads");
      continue;
    }
    // bf16 gradients (URM's conv) are summed in fp32, the types every communicator sums,
    // and rounded once.
    torch::Tensor wide = buffer.to(torch::kFloat32);
    comm.all_reduce_sum(wide, "grads");
    buffer.copy_(wide);
  }
}

void FlatGradients::check_aliases() const {
  for (size_t i = 0; i < slots_.size(); ++i) {
    const auto& slot = slots_[i];
    const auto& grad = slot.param.grad();
    const auto& buffer = buffers_[slot.buffer];
    auto* expected = static_cast<char*>(buffer.data_ptr()) + slot.offset * buffer.element_size();
    if (!grad.defined() || grad.data_ptr() != expected)
      throw std::logic_error("FlatGradients: the gradient of parameter " + std::to_string(i) +
                             " no longer aliases the flat buffer (was .grad reset or replaced?)");
  }
}

}  // namespace recur::distributed
