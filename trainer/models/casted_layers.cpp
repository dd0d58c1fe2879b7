// Casted linear and embedding layers (see casted_layers.h).
#include "trainer/models/casted_layers.h"

#include <cmath>

#include "trainer/models/fp32_sums.h"

namespace recur::trainer {

CastedLinear::CastedLinear(TensorRegistry& reg, const std::string& name, int64_t in_features,
                           int64_t out_features, bool with_bias) {
  weight = reg.trunc_normal_parameter(name + ".weight", {out_features, in_features},
                                      1.0 / std::sqrt(static_cast<double>(in_features)));
  if (with_bias) bias = reg.trunc_normal_parameter(name + ".bias", {out_features}, 0.0);
}

torch::Tensor CastedLinear::forward(const torch::Tensor& x) const {
  const auto dtype = x.scalar_type();
  return linear_fp32_sums(x, weight.to(dtype), bias.defined() ? bias.to(dtype) : torch::Tensor());
}

CastedEmbedding::CastedEmbedding(TensorRegistry& reg, const std::string& name, int64_t num_embeddings,
                                 int64_t dim, double init_std) {
  weight = reg.trunc_normal_parameter(name + ".embedding_weight", {num_embeddings, dim}, init_std);
}

torch::Tensor CastedEmbedding::forward(const torch::Tensor& ids, torch::ScalarType dtype) const {
  return torch::embedding(weight.to(dtype), ids);
}

}  // namespace recur::trainer
