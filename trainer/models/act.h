// Adaptive computation time (ACT): the carry, halting and slot reset around the
// inner recursive model. This is the model the trainer steps.
//
// A batch of B "slots" is carried across optimizer steps. Each step():
//   1. resets the slots that halted last step: the state <- its initial value
//      (TRM, HRM: z_H/z_L <- H_init/L_init; URM: current_hidden <- init_hidden), steps <- 0,
//      and the slot takes its row of the NEW batch; slots still running keep their
//      old data and the new batch's row for them is dropped, never seen;
//   2. runs one supervision step of the inner model on the slots' current data;
//   3. steps += 1; a slot halts at halt_max_steps or, in training, when its Q head
//      says so (TRM: q_halt > 0; HRM: q_halt > q_continue); exploration keeps a slot
//      running until a random minimum of 2..halt_max_steps steps with probability
//      halt_exploration_prob (it can only delay halting);
//   4. HRM only (training): a second, gradient-free forward from the new state gives
//      the Q-learning target for q_continue.
// Evaluation never halts early: every slot runs exactly halt_max_steps steps, which
// keeps a batch in lock-step. The carried state is detached: no gradient crosses steps.
// Exploration draws come from an explicit CPU generator (draw_exploration), so a run is
// reproducible and the trainer can checkpoint the generator with the carry. The trainer
// draws once per optimizer step for the whole global batch, from a stream every rank
// holds alike, and hands each step() its slots' share: the draws do not depend on the
// number of ranks or micro-batches.
#pragma once

#include <memory>
#include <string>

#include "common/libtorch.h"
#include "trainer/models/named_tensors.h"
#include "trainer/models/recursive_model.h"

namespace recur::trainer {

// One batch of examples as the data loader hands it over.
struct Batch {
  torch::Tensor inputs;              // int32 [B, L]
  torch::Tensor labels;              // int32 [B, L], -100 where ignored
  torch::Tensor puzzle_identifiers;  // int32 [B]
};

struct Carry {
  NamedTensors state;    // the model's recurrent state (RecursiveModel::state_names()), [B, S, D] each
  torch::Tensor steps;   // int32 [B]: steps done on the slot's current example
  torch::Tensor halted;  // bool [B]
  Batch current_data;    // the example each slot works on

  // The state's names ("z_H", "z_L"), "steps", "halted", "current_data/{inputs,labels,puzzle_identifiers}".
  NamedTensors to_named_tensors() const;
};

struct ActConfig {
  int64_t halt_max_steps = 16;
  double halt_exploration_prob = 0.1;
  bool q_continue_halting = false;  // HRM: halt on q_halt > q_continue and learn q_continue
};

struct StepOutputs {
  torch::Tensor logits;             // [B, L, vocab], forward dtype, with grad
  torch::Tensor q_halt_logits;      // [B] fp32, with grad
  torch::Tensor q_continue_logits;  // [B] fp32, with grad
  torch::Tensor target_q_continue;  // [B] fp32; defined only for HRM in training
};

struct ActStep {
  Carry carry;  // the new carry (its current_data holds the labels to grade)
  StepOutputs outputs;
};

class ActModel {
 public:
  ActModel(std::unique_ptr<RecursiveModel> inner, const ActConfig& config);

  // All slots halted, so the first step() fills every slot from its batch.
  Carry initial_carry(int64_t batch_size) const;
  // A carry from its named tensors (checkpoint), checked against this model's shapes and
  // moved to its device; a missing tensor or wrong shape is an InputError naming `where`.
  Carry carry_from_named_tensors(const NamedTensors& tensors, const std::string& where) const;

  // `min_halt_steps` (int32 [B], training only): exploration's minimum step count per
  // slot, from draw_exploration; undefined means no exploration. Device work only, no
  // host reads or copies, so a CUDA graph can capture it (train/step_graph.h).
  ActStep step(const Carry& carry, const Batch& batch, bool training, const torch::Tensor& min_halt_steps = {});
  // One training step's exploration draws for `slots` slots, on the model's device: with
  // probability halt_exploration_prob a slot's minimum is 2..halt_max_steps, else 0.
  // Undefined (and nothing drawn) when halt_max_steps is 1.
  torch::Tensor draw_exploration(int64_t slots, torch::Generator& gen) const;

  const NamedTensors& named_parameters() const { return inner_->named_parameters(); }
  const NamedTensors& named_persistent_buffers() const { return inner_->named_persistent_buffers(); }
  // Copies parameters and persistent buffers in by name (named_tensors.h: copy_named_into).
  void load_named_tensors(const NamedTensors& source, const std::string& where);

  RecursiveModel& inner() { return *inner_; }
  const RecursiveModel& inner() const { return *inner_; }
  const ActConfig& config() const { return config_; }

 private:
  std::unique_ptr<RecursiveModel> inner_;
  ActConfig config_;
};

}  // namespace recur::trainer
