// Exponential moving average of the parameters (the reference's EMAHelper, rate 0.999).
//
// After every optimizer step: shadow <- (1 - rate) p + rate shadow, over the trainable
// parameters only (the puzzle table, H_init and L_init are used as they are), once per
// flat buffer (flat_buffers.h). Evaluation and the eval checkpoint use the shadow;
// training continues on the raw weights. The shadow's per-parameter slices are the
// named tensors the trainer saves and restores, in the parameters' dtypes (fp32; URM's
// conv bf16, updated in bf16 arithmetic as the reference's).
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"
#include "trainer/optim/flat_buffers.h"

namespace recur::trainer {

class Ema {
 public:
  // The shadow starts as a copy of the parameters.
  Ema(const FlatBuffers& params, double rate);

  // One step of the average towards the parameters' current values.
  void update();

  const NamedTensors& shadow() const { return shadow_.slices(); }
  // Restores a saved shadow (names as shadow()); InputError naming `where` on a mismatch.
  void load_state(const NamedTensors& shadow, const std::string& where);

 private:
  FlatBuffers params_;
  FlatBuffers shadow_;
  double rate_;
};

}  // namespace recur::trainer
