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
#pragma once

#include <string>
#include <vector>

#include "trainer/golden/compare.h"

namespace recur::trainer {

struct GoldenReport {
  std::string path;
  std::string kind;  // trm_att, trm_mlp, hrm, adam_atan2, stablemax, lr_schedule
  std::vector<Check> checks;
  bool passed() const { return all_passed(checks); }
};

// Runs every check of the fixture at `path` (float32 on the CPU). A file that is not a
// golden fixture, or lacks a dataset the fixture kind needs, is an InputError.
GoldenReport verify_golden(const std::string& path);

}  // namespace recur::trainer
