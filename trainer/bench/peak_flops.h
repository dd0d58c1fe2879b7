// The matmul rate this process can reach: the denominator of MFU.
//
// Vendor peak numbers say little on a shared CPU (clock, cores, BLAS build), so the
// bench times a large square matmul in the same process, with the same threads and
// the same LibTorch path the model's linears take (at::mm: OpenBLAS for fp32 on
// CPU, oneDNN for bf16 on CPUs with AVX512-BF16, cuBLAS on CUDA), and calls the
// best rate seen the peak.
#pragma once

#include "common/libtorch.h"

namespace recur::trainer {

// FLOP/s of an n x n x n matmul in `dtype` on `device`: a warm-up, then repeats for
// at least `min_seconds`; the best single repeat counts (2 n^3 FLOPs each).
double measure_matmul_peak(torch::ScalarType dtype, torch::Device device, int64_t n = 2048,
                           double min_seconds = 1.0);

}  // namespace recur::trainer
