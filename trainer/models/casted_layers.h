// Linear and embedding layers with fp32 master weights cast to the activation dtype at use.
//
// The reference keeps every parameter in fp32 (the optimizer's precision) and runs
// activations in `forward_dtype` (bfloat16 on GPU). There is no autocast: each layer
// casts its weight (and bias) to the input's dtype when called. In float32 the cast
// is free (`to` returns the same tensor). Gradients reach the fp32 weight through
// the cast, so each call's weight gradient is accumulated in fp32, as in the reference.
#pragma once

#include <string>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"

namespace recur::trainer {

// y = x W^T (+ b). Weight [out, in] ~ trunc_normal(1/sqrt(in)) (LeCun); bias zeros.
class CastedLinear {
 public:
  CastedLinear(TensorRegistry& reg, const std::string& name, int64_t in_features, int64_t out_features,
               bool bias);
  torch::Tensor forward(const torch::Tensor& x) const;

  torch::Tensor weight;
  torch::Tensor bias;  // undefined when the layer has none (every layer but the Q head)
};

// Table look-up. Weight [num, dim] ~ trunc_normal(init_std), registered as
// `<name>.embedding_weight` like the reference's CastedEmbedding.
class CastedEmbedding {
 public:
  CastedEmbedding(TensorRegistry& reg, const std::string& name, int64_t num_embeddings, int64_t dim,
                  double init_std);
  torch::Tensor forward(const torch::Tensor& ids, torch::ScalarType dtype) const;

  torch::Tensor weight;
};

}  // namespace recur::trainer
