// Weightless RMSNorm and its fused residual form (see rms_norm.h).
#include "trainer/models/rms_norm.h"

#include <ATen/Parallel.h>
#include <ATen/cpu/vec/vec.h>
#include <torch/csrc/autograd/custom_function.h>

#include <array>
#include <cmath>

namespace recur::trainer {
namespace {

using FloatVec = at::vec::Vectorized<float>;
constexpr int64_t kRowsPerTask = 8;

float sum_lanes(const FloatVec& v) {
  std::array<float, FloatVec::size()> lanes;
  v.store(lanes.data());
  float s = 0;
  for (float x : lanes) s += x;
  return s;
}

// Rows of width d: out = (a + b) * rstd, rstd = 1 / sqrt(mean((a + b)^2) + eps).
void add_rms_norm_forward_rows(const float* a, const float* b, float* out, float* rstd, int64_t rows, int64_t d,
                               float eps) {
  constexpr int64_t W = FloatVec::size();
  at::parallel_for(0, rows, kRowsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* ar = a + r * d;
      const float* br = b + r * d;
      float* o = out + r * d;
      FloatVec squares(0.0f);
      int64_t i = 0;
      for (; i + W <= d; i += W) {
        const FloatVec y = FloatVec::loadu(ar + i) + FloatVec::loadu(br + i);
        y.store(o + i);
        squares = squares + y * y;
      }
      float sum = sum_lanes(squares);
      for (; i < d; ++i) {
        o[i] = ar[i] + br[i];
        sum += o[i] * o[i];
      }
      const float s = 1.0f / std::sqrt(sum / static_cast<float>(d) + eps);
      rstd[r] = s;
      const FloatVec sv(s);
      for (i = 0; i + W <= d; i += W) (FloatVec::loadu(o + i) * sv).store(o + i);
      for (; i < d; ++i) o[i] *= s;
    }
  });
}

// dL/dy = rstd (g - out mean(g out)) per row (y = a + b; the same for a and b).
void add_rms_norm_backward_rows(const float* g, const float* out, const float* rstd, float* grad, int64_t rows,
                                int64_t d) {
  constexpr int64_t W = FloatVec::size();
  at::parallel_for(0, rows, kRowsPerTask, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* gr = g + r * d;
      const float* o = out + r * d;
      float* dy = grad + r * d;
      FloatVec dots(0.0f);
      int64_t i = 0;
      for (; i + W <= d; i += W) dots = dots + FloatVec::loadu(gr + i) * FloatVec::loadu(o + i);
      float dot = sum_lanes(dots);
      for (; i < d; ++i) dot += gr[i] * o[i];
      const float mean = dot / static_cast<float>(d), s = rstd[r];
      const FloatVec mv(mean), sv(s);
      for (i = 0; i + W <= d; i += W)
        (sv * (FloatVec::loadu(gr + i) - FloatVec::loadu(o + i) * mv)).store(dy + i);
      for (; i < d; ++i) dy[i] = s * (gr[i] - o[i] * mean);
    }
  });
}

struct FusedAddRmsNorm : public torch::autograd::Function<FusedAddRmsNorm> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& residual,
                               const torch::Tensor& update, double eps) {
    const int64_t d = residual.size(-1), rows = residual.numel() / d;
    torch::Tensor out = torch::empty_like(residual);
    torch::Tensor rstd = torch::empty({rows}, residual.options());
    add_rms_norm_forward_rows(residual.data_ptr<float>(), update.data_ptr<float>(), out.data_ptr<float>(),
                              rstd.data_ptr<float>(), rows, d, static_cast<float>(eps));
    ctx->save_for_backward({out, rstd});
    return out;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& out = saved[0];
    const torch::Tensor g = grads[0].contiguous();
    const int64_t d = out.size(-1), rows = out.numel() / d;
    torch::Tensor grad = torch::empty_like(out);
    add_rms_norm_backward_rows(g.data_ptr<float>(), out.data_ptr<float>(), saved[1].data_ptr<float>(),
                               grad.data_ptr<float>(), rows, d);
    return {grad, grad, torch::Tensor()};
  }
};

bool fused_add_rms_norm_applies(const torch::Tensor& residual, const torch::Tensor& update) {
  auto fits = [](const torch::Tensor& t) {
    return t.is_cpu() && t.scalar_type() == torch::kFloat32 && t.is_contiguous() && t.dim() > 0 && t.numel() > 0;
  };
  return fits(residual) && fits(update) && residual.sizes() == update.sizes();
}

}  // namespace

torch::Tensor rms_norm(const torch::Tensor& x, double eps) {
  const torch::Tensor xf = x.to(torch::kFloat32);
  const torch::Tensor variance = xf.square().mean(-1, /*keepdim=*/true);
  return (xf * torch::rsqrt(variance + eps)).to(x.scalar_type());
}

torch::Tensor add_rms_norm(const torch::Tensor& residual, const torch::Tensor& update, double eps) {
  if (fused_add_rms_norm_applies(residual, update)) return FusedAddRmsNorm::apply(residual, update, eps);
  return rms_norm(residual + update, eps);
}

}  // namespace recur::trainer
