// The optimizer of the dense parameters (everything but the sparse puzzle table):
// AdamATan2 by default, URM's Muon with use_muon. Both are built on the parameters' flat
// buffers (flat_buffers.h) and the gradient buffers of the same layout
// (distributed::FlatGradients); the trainer steps it, zeroes the gradient buffers itself,
// checkpoints the optimizer's state by name and restores it.
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"

namespace recur::trainer {

class DenseOptimizer {
 public:
  virtual ~DenseOptimizer() = default;
  // One step on every parameter from the gradient buffers (zeroing them is the caller's).
  virtual void step(double lr) = 0;
  // The state as named tensors (the optimizer's own names; see each optimizer).
  virtual NamedTensors state() const = 0;
  // Restores state(); a missing tensor or shape mismatch is an InputError naming `where`.
  virtual void load_state(const NamedTensors& state, const std::string& where) = 0;
};

}  // namespace recur::trainer
