// Weight initialisation of the reference models: the JAX-style truncated normal.
//
// torch.nn.init.trunc_normal_ truncates a N(0, std) at ±2 std, which leaves the
// realised std about 12% below `std`. The reference (models/common.py, a port of
// jax.random.truncated_normal + flax's lecun_normal) instead draws from a normal
// whose std is corrected ("comp_std" = 1.1368472 std) so that after truncation
// at ±2 comp_std the realised std is exactly `std`. Every CastedLinear weight is
// trunc_normal(1/sqrt(fan_in)) ("truncated LeCun normal"); the token embedding is
// trunc_normal(1/sqrt(D)); H_init/L_init are trunc_normal(1).
#pragma once

#include "common/libtorch.h"

namespace recur::trainer {

// The std of the underlying normal: std / sqrt(1 - (u phi(l) - l phi(u))/Z - ((phi(l) - phi(u))/Z)^2)
// with l = -2, u = 2, Z = (erf(u/√2) - erf(l/√2)) / 2 (the variance of a normal truncated at ±2).
double trunc_normal_comp_std(double std);

// Fills `t` in place (CPU tensor) with trunc_normal(std) drawn from `gen`, with the
// reference's op sequence: uniform(erf(-√2), erf(√2)) -> erfinv -> * √2 comp_std ->
// clip to ±2 comp_std. std == 0 zero-fills (no draw), as the reference does.
void trunc_normal_(torch::Tensor& t, double std, torch::Generator& gen);

}  // namespace recur::trainer
