// Everything a training run carries from one step to the next, and how it is
// saved and restored.
//
// The checkpoint (checkpoints/) stores what it is handed: this file decides
// what that is. model.h5 (rank 0's view, identical on every rank) holds
//   model/<name>   parameters and persistent buffers (reference names),
//   ema/<name>     the EMA shadow, optim/...  AdamATan2's or Muon's state,
//   eval/<name>    each evaluator's state (ARC's pooled votes: aggregated
//                  voting survives a resume),
//   records        step, config (YAML), model_buffers, train_seconds, and
//                  data: the data fingerprint (data_fingerprint.h);
// rank_RRRRR.h5 holds what differs per rank:
//   carry/...      the ACT carry of this rank's slots,
//   rng/exploration the generator of ACT exploration draws,
//   records        loader_cursor.
// Restoring both gives a run bit-identical to one that never stopped.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checkpoints/bundle_file.h"
#include "checkpoints/state_bundle.h"
#include "common/libtorch.h"
#include "datasets/batch.h"
#include "distributed/flat_gradients.h"
#include "trainer/config/config.h"
#include "trainer/models/act.h"
#include "trainer/models/recursive_model.h"
#include "trainer/optim/adam_atan2.h"
#include "trainer/optim/ema.h"
#include "trainer/optim/muon.h"
#include "trainer/train/step_graph.h"

namespace recur::trainer {

struct TrainState {
  std::unique_ptr<ActModel> model;
  std::unique_ptr<DenseOptimizer> optimizer;          // AdamATan2 or Muon; null with freeze_weights
  std::unique_ptr<Ema> ema;                           // null unless ema: true
  std::unique_ptr<distributed::FlatGradients> grads;  // null with freeze_weights
  Carry carry;
  torch::Generator exploration;  // ACT exploration draws (CPU)
  int64_t step = 0;              // optimizer steps taken
  double train_seconds = 0;      // wall-clock seconds spent in training steps
  std::unique_ptr<StepGraph> graph;  // the captured supervision step (CUDA), made by the first step
};

// The model with its reference init and a fresh carry of `local_batch` slots;
// no optimizers yet (they copy the weights, which may still be loaded or
// broadcast). The exploration generator is seeded with `seed` on every rank:
// each step draws for the whole global batch and a rank uses its slice, so a
// run explores alike on any number of ranks (train_step.cpp).
TrainState make_train_state(const Config& config, const ModelShape& shape, torch::Device device,
                            int64_t local_batch);

// Builds AdamATan2 (or Muon with use_muon), the EMA and the flat gradient buffer from the current
// weights: call once the weights are final on every rank.
void attach_optimizers(TrainState& state, const Config& config);

// Parameters followed by persistent buffers: what ranks broadcast and compare.
NamedTensors model_tensors(const ActModel& model);

// Evaluator name -> its state() bytes (trainer/eval/evaluator.h).
using EvaluatorStates = std::map<std::string, std::vector<uint8_t>>;

// The checkpoint contents (see the top of this file).
checkpoints::StateBundle model_state_bundle(const TrainState& state, const std::string& config_yaml,
                                            const std::string& data_fingerprint, const EvaluatorStates& evaluator_states);
checkpoints::StateBundle rank_state_bundle(const TrainState& state, const datasets::LoaderCursor& cursor);

// Where model.h5's weights load in place: "model/<name>" -> the model's own
// tensor, so a resume never holds a second copy of the puzzle table.
checkpoints::LoadTargets model_load_targets(const TrainState& state);

// Restores what model_state_bundle saved (weights, EMA, optimizer, step,
// train_seconds); optimizers must be attached. Returns the evaluator states.
EvaluatorStates restore_model_state(TrainState& state, const checkpoints::StateBundle& bundle);
// Restores the carry and generator; returns the loader cursor to restore.
datasets::LoaderCursor restore_rank_state(TrainState& state, const checkpoints::StateBundle& bundle);

// How the puzzle-embedding table is filled: kMeanRow keeps a loaded table of
// the model's size and makes every row the mean row of one of another size
// (another puzzle set), as the reference's load_checkpoint does for
// fine-tuning; kZeros starts a new table of zeros whatever was loaded, as the
// reference initialises one (recur predict: the rows of new tasks).
enum class NewPuzzleRows { kMeanRow, kZeros };

// Copies `weights` into the model (names as in copy_named_into); `where`
// names their source in errors.
void load_weights_into(ActModel& model, NamedTensors weights, const std::string& where, NewPuzzleRows new_rows);

// init_from=: weights only (the reference's load_checkpoint): the EMA ones
// when the checkpoint has them, a table of another size as kMeanRow.
void load_initial_weights(ActModel& model, const std::string& path);

}  // namespace recur::trainer
