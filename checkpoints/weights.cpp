// Checkpoint weights as a state_dict (see weights.h).
#include "checkpoints/weights.h"

#include <filesystem>
#include <unordered_map>

#include "checkpoints/checkpoint_loader.h"
#include "checkpoints/state_dict_file.h"
#include "common/error.h"

namespace recur::checkpoints {

NamedTensors model_weights(const StateBundle& model_state, bool ema) {
  NamedTensors weights = model_state.group("model");
  if (weights.empty()) throw InputError(model_state.source(), "holds no model weights (/model is empty)");
  if (!ema) return weights;
  NamedTensors shadow = model_state.group("ema");
  if (shadow.empty())
    throw InputError(model_state.source(), "has no EMA weights (/ema is empty: was the run trained with ema=false?)");
  std::unordered_map<std::string, size_t> position;
  for (size_t i = 0; i < weights.size(); ++i) position.emplace(weights[i].first, i);
  for (const auto& [name, tensor] : shadow) {
    auto it = position.find(name);
    if (it == position.end())
      throw InputError(model_state.source(), "EMA tensor '" + name + "' has no /model counterpart");
    weights[it->second].second = tensor;
  }
  return weights;
}

NamedTensors load_weights(const std::string& path, bool prefer_ema) {
  if (std::filesystem::is_regular_file(path) && looks_like_torch_file(path)) return import_state_dict(path);
  CheckpointRef checkpoint = open_checkpoint(resolve_checkpoint_path(path));
  StateBundle model_state = load_model_state(checkpoint);
  return model_weights(model_state, prefer_ema && !model_state.group("ema").empty());
}

}  // namespace recur::checkpoints
