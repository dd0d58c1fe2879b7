// Verifying recur against a golden fixture: the code path shared by `recur
// verify-golden FILE.h5` and the GoogleTest suite, so users check their build with
// exactly what the tests run.
//
// Model fixtures (trm_att, trm_mlp, hrm): the parameter names; RoPE tables; three
// supervision steps, each teacher-forced from the stored carry as the README
// recommends (logits, Q values and target, carry, loss, metrics, every parameter
// gradient, puzzle-embedding row gradients); the same for the `train/` steps (loss
// scaled by the global batch); the optimizer replay (SignSGD table, AdamATan2
// parameters and moments, EMA shadow) from the stored gradients; and the README's
// free-running end-to-end criterion. Optimizer/loss/schedule fixtures: every case.
// Tolerances are the README's, fixed here; a check never loosens them.
//
// On CUDA in float32 the same checks run at the same tolerances, with TF32 off (the
// fixtures are true float32). In bfloat16 (the GPU training dtype) the model runs its
// activations in bf16 with fp32 weights, as the reference does on GPU; the fixtures
// are float32, so its errors are bf16 rounding, checked against the provisional bounds
// of bf16_tolerances() until the first GPU run measures them (docs/gpu.md). The
// optimizers, the loss's float64 and the schedule do not change with the dtype.
#pragma once

#include <string>
#include <vector>

#include "common/libtorch.h"
#include "trainer/golden/compare.h"

namespace recur::trainer {

struct GoldenOptions {
  torch::Device device = torch::kCPU;
  torch::ScalarType dtype = torch::kFloat32;  // the model's forward dtype: float32 or bfloat16
};

struct GoldenReport {
  std::string path;
  std::string kind;  // trm_att, trm_mlp, hrm, urm, adam_atan2, muon, stablemax, lr_schedule
  std::vector<Check> checks;
  bool passed() const { return all_passed(checks); }
};

// Runs every check of the fixture at `path`. A file that is not a golden fixture, or
// lacks a dataset the fixture kind needs, is an InputError.
GoldenReport verify_golden(const std::string& path, const GoldenOptions& options = {});

}  // namespace recur::trainer
