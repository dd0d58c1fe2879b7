// Internal to golden/: a model fixture loaded into a recur model, and the checks that
// verify_golden() runs on it (verify_model_steps.cpp, verify_model_train.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "trainer/golden/compare.h"
#include "trainer/golden/fixture.h"
#include "trainer/golden/tolerances.h"
#include "trainer/golden/verify.h"
#include "trainer/losses/act_loss.h"
#include "trainer/models/act.h"

namespace recur::trainer {

inline const std::string kPuzzleTable = "model.inner.puzzle_emb.weights";  // the sparse embedding's table

struct ModelUnderTest {
  const GoldenFile& file;
  std::string kind;  // model_kind
  ModelFixtureConfig config;
  LossType loss_type;
  std::unique_ptr<ActModel> model;  // stepped without exploration: the fixtures set halt_exploration_prob = 0
  torch::Device device;
  ModelTolerances tol;  // the fixture's row, or its bf16 bounds (tolerances.h)

  // A fixture tensor on the model's device.
  torch::Tensor tensor(const std::string& name) const { return file.tensor(name).to(device); }
};

// Builds the fixture's model on `options.device` in `options.dtype` and, if its tensor
// names match the fixture's (always the first check pushed), loads `weights/` and
// checks the RoPE tables.
ModelUnderTest load_model_under_test(const GoldenFile& file, const GoldenOptions& options, std::vector<Check>& checks);

Batch read_batch(const ModelUnderTest& m, const std::string& group);
Carry read_carry(const ModelUnderTest& m, const std::string& group);

// One training-mode step from `carry_in` on `<group>/batch`, with the exploration minimum
// of `<group>/exploration/min_halt_steps` where the fixture recorded the draws (URM).
ActStep fixture_train_step(ModelUnderTest& m, const std::string& group, const Carry& carry_in);

// One training-mode step from `carry_in` on `<group>/batch`, backward of loss / loss_divisor,
// and every comparison against `<group>/...`. Returns the step's carry.
Carry check_supervision_step(ModelUnderTest& m, const std::string& group, const Carry& carry_in,
                             double loss_divisor, std::vector<Check>& checks);

// The teacher-forced steps step_1.. and train/step_1.. (forward and gradients).
void check_teacher_forced_steps(ModelUnderTest& m, std::vector<Check>& checks);
// SignSGD / AdamATan2 / EMA replayed on the stored train/ gradients.
void check_optimizer_replay(ModelUnderTest& m, std::vector<Check>& checks);
// URM's ConvSwiGLU alone (modules/layers.<i>.mlp): every bf16 stage bit for bit (or one
// ulp at isolated elements), the float32 ones at 1e-5, forward and backward. No-op for
// fixtures without modules/.
void check_modules(ModelUnderTest& m, std::vector<Check>& checks);
// The README's fair end-to-end criterion on the free-running train/ run.
void check_end_to_end(ModelUnderTest& m, std::vector<Check>& checks);

}  // namespace recur::trainer
