// All gradients in one flat buffer, so a step's gradient sync is one all-reduce.
//
// Each trainable parameter's .grad is made an alias of its slice of a contiguous
// buffer (one buffer per dtype and device, parameters in the given order). Autograd
// accumulates into a defined .grad in place (`grad += new_grad` when not building a
// double-backward graph), so backward writes straight into the buffer: no copy
// before or after the all-reduce. The aliases are plain tensors sharing the buffer's
// storage, not autograd views, so in-place ops on them (detach_, zero_) are allowed.
//
// Keep the aliases: zero with zero() (or grad.zero_()), never by resetting .grad
// to an undefined tensor (LibTorch 2.x Optimizer::zero_grad() does that by default);
// check_aliases() says when it happened.
#pragma once

#include <vector>

#include "common/libtorch.h"
#include "distributed/communicator.h"

namespace recur::distributed {

class FlatGradients {
 public:
  // `params`: trainable parameters (requires_grad), in an order that is the same on
  // every rank. A parameter's existing gradient is kept (copied into the buffer).
  explicit FlatGradients(const std::vector<torch::Tensor>& params);

  void zero();
  // Sums the gradients over ranks: one all_reduce "grads" per buffer (usually one; a bf16
  // buffer is summed as fp32 and rounded back).
  void all_reduce_sum(Communicator& comm);

  const std::vector<torch::Tensor>& buffers() const { return buffers_; }

  // Throws std::logic_error naming the first parameter (by index) whose .grad no longer
  // aliases its slice (replaced or reset), which would silently skip the all-reduce.
  void check_aliases() const;

 private:
  struct Slot {
    torch::Tensor param;
    size_t buffer;      // index into buffers_
    int64_t offset;     // first element in the buffer
  };
  std::vector<Slot> slots_;
  std::vector<torch::Tensor> buffers_;
};

}  // namespace recur::distributed
