// Exponential moving average of the parameters (the reference's EMAHelper, rate 0.999).
//
// After every optimizer step: shadow <- (1 - rate) p + rate shadow, over the trainable
// parameters only (the puzzle table, H_init and L_init are used as they are).
// Evaluation and the eval checkpoint use the shadow; training continues on the raw
// weights. The shadow is a list of named fp32 tensors the trainer saves and restores.
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"

namespace recur::trainer {

class Ema {
 public:
  // The shadow starts as a copy of `params`.
  Ema(const NamedTensors& params, double rate);

  // `params` must be the list the shadow was made from (same names and order).
  void update(const NamedTensors& params);

  const NamedTensors& shadow() const { return shadow_; }
  // Restores a saved shadow (names as shadow()); InputError naming `where` on a mismatch.
  void load_state(const NamedTensors& shadow, const std::string& where);

 private:
  NamedTensors shadow_;
  double rate_;
};

}  // namespace recur::trainer
