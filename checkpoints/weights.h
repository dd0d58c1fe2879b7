// The weights of a checkpoint as one state_dict: what `recur export` writes
// and what init_from= reads (from a recur checkpoint or a Python .pt file).
//
// A model.h5 holds parameters and persistent buffers under /model and, when
// training used EMA, the EMA copy of the parameters under /ema (EMA covers
// parameters only, as in the reference). "The EMA weights" are therefore
// /model with every tensor that has an /ema twin replaced by that twin: the
// state_dict the reference saves from its EMA model copy.
#pragma once

#include <string>

#include "checkpoints/state_bundle.h"

namespace recur::checkpoints {

// /model (or its EMA version) of a loaded model.h5, in stored order. Asking
// for EMA from a checkpoint trained without it is an InputError.
NamedTensors model_weights(const StateBundle& model_state, bool ema);

// Weights from `path` (init_from=): a .pt state_dict (import_state_dict), or
// anything resolve_checkpoint_path accepts, then its model.h5's weights: the
// EMA weights when `prefer_ema` and the checkpoint has them (the reference's
// saved weights are the EMA ones), else /model. A .pt file has one set only.
NamedTensors load_weights(const std::string& path, bool prefer_ema);

}  // namespace recur::checkpoints
