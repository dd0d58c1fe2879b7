// `deterministic: true`: kernels that give the same bits on every run.
//
// The CPU kernels recur uses already do (same config, seed and world size give
// bit-identical weights). On CUDA some kernels are fastest with atomics or
// autotuning whose order varies from run to run; LibTorch's deterministic mode
// swaps them for ordered ones (or refuses an op that has none), and cuBLAS needs
// a fixed workspace (CUBLAS_WORKSPACE_CONFIG, set here unless the user set it)
// before its first call. GPU runs then repeat bit for bit, which is what the GPU
// resume check compares; they are somewhat slower, so it is off by default.
#pragma once

namespace recur::trainer {

// Call before the first CUDA work of the process (start-up does).
void apply_determinism(bool deterministic);

}  // namespace recur::trainer
