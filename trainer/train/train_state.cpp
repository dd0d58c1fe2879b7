// Training state: construction, optimizers, checkpoint contents (see train_state.h).
#include "trainer/train/train_state.h"

#include <ATen/CPUGeneratorImpl.h>

#include "checkpoints/weights.h"
#include "common/error.h"
#include "trainer/models/factory.h"

namespace recur::trainer {
namespace {

constexpr const char* kPuzzleTable = "model.inner.puzzle_emb.weights";

NamedTensors trainable(const ActModel& model) { return model.named_parameters(); }

std::vector<torch::Tensor> tensors_of(const NamedTensors& named) {
  std::vector<torch::Tensor> out;
  for (const auto& [name, t] : named) out.push_back(t);
  return out;
}

std::vector<std::string> names_of(const NamedTensors& named) {
  std::vector<std::string> out;
  for (const auto& [name, t] : named) out.push_back(name);
  return out;
}

std::vector<uint8_t> bytes_of(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kCPU).contiguous();
  const auto* p = c.data_ptr<uint8_t>();
  return std::vector<uint8_t>(p, p + c.numel());
}

torch::Tensor tensor_of(const std::vector<uint8_t>& bytes) {
  torch::Tensor t = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  std::copy(bytes.begin(), bytes.end(), t.data_ptr<uint8_t>());
  return t;
}

}  // namespace

TrainState make_train_state(const Config& config, const ModelShape& shape, torch::Device device,
                            int64_t local_batch) {
  TrainState s;
  s.model = make_model(config.arch, shape, device, static_cast<uint64_t>(config.seed));
  if (config.freeze_weights) {
    for (const auto& [name, p] : s.model->named_parameters()) p.requires_grad_(false);
  }
  s.carry = s.model->initial_carry(local_batch);
  s.exploration = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(config.seed));
  return s;
}

void attach_optimizers(TrainState& s, const Config& config) {
  // The weights, their gradients and the optimizers' state in flat buffers of one layout.
  const FlatBuffers params = FlatBuffers::adopt(trainable(*s.model));
  if (!config.freeze_weights) {
    s.grads = std::make_unique<distributed::FlatGradients>(tensors_of(trainable(*s.model)));
    if (config.use_muon)
      s.optimizer = std::make_unique<Muon>(params, s.grads->buffers());
    else
      s.optimizer = std::make_unique<AdamATan2>(params, s.grads->buffers(),
                                                AdamATan2Options{config.beta1, config.beta2, config.weight_decay});
  }
  if (config.ema) s.ema = std::make_unique<Ema>(params, config.ema_rate);
}

NamedTensors model_tensors(const ActModel& model) {
  NamedTensors all = model.named_parameters();
  const NamedTensors& buffers = model.named_persistent_buffers();
  all.insert(all.end(), buffers.begin(), buffers.end());
  return all;
}

checkpoints::StateBundle model_state_bundle(const TrainState& s, const std::string& config_yaml,
                                            const std::string& data_fingerprint, const EvaluatorStates& evaluator_states) {
  checkpoints::StateBundle b;
  b.add_tensors("model", model_tensors(*s.model));
  if (s.ema) b.add_tensors("ema", s.ema->shadow());
  if (s.optimizer) b.add_tensors("optim", s.optimizer->state());
  for (const auto& [name, bytes] : evaluator_states) b.add_tensor("eval/" + name, tensor_of(bytes));
  b.set_record("step", s.step);
  b.set_record("train_seconds", s.train_seconds);
  b.set_record("config", config_yaml);
  b.set_record("data", data_fingerprint);
  b.set_record("model_buffers", names_of(s.model->named_persistent_buffers()));
  return b;
}

checkpoints::StateBundle rank_state_bundle(const TrainState& s, const datasets::LoaderCursor& cursor) {
  checkpoints::StateBundle b;
  b.add_tensors("carry", s.carry.to_named_tensors());
  b.add_tensor("rng/exploration", s.exploration.get_state());
  const auto c = cursor.to_array();
  b.set_record("loader_cursor", std::vector<int64_t>(c.begin(), c.end()));
  return b;
}

checkpoints::LoadTargets model_load_targets(const TrainState& s) {
  checkpoints::LoadTargets targets;
  for (const auto& [name, t] : model_tensors(*s.model)) targets.emplace("model/" + name, t);
  return targets;
}

EvaluatorStates restore_model_state(TrainState& s, const checkpoints::StateBundle& b) {
  s.model->load_named_tensors(b.group("model"), b.source());
  if (s.ema) s.ema->load_state(b.group("ema"), b.source());
  if (s.optimizer) s.optimizer->load_state(b.group("optim"), b.source());
  s.step = b.get_int("step");
  s.train_seconds = b.get_double("train_seconds");
  EvaluatorStates states;
  // Checkpoints written before the evaluator interface kept ARC's votes as eval/arc_votes.
  for (const auto& [name, bytes] : b.group("eval")) states[name == "arc_votes" ? "arc" : name] = bytes_of(bytes);
  return states;
}

datasets::LoaderCursor restore_rank_state(TrainState& s, const checkpoints::StateBundle& b) {
  s.carry = s.model->carry_from_named_tensors(b.group("carry"), b.source());
  s.exploration.set_state(b.tensor("rng/exploration"));
  const std::vector<int64_t>& c = b.get_ints("loader_cursor");
  if (c.size() != datasets::LoaderCursor::kSize)
    throw InputError(b.source(), "record 'loader_cursor' has " + std::to_string(c.size()) + " values, expected " +
                                     std::to_string(datasets::LoaderCursor::kSize));
  std::array<int64_t, datasets::LoaderCursor::kSize> a;
  std::copy(c.begin(), c.end(), a.begin());
  return datasets::LoaderCursor::from_array(a);
}

void load_weights_into(ActModel& model, NamedTensors source, const std::string& where, NewPuzzleRows new_rows) {
  torch::Tensor target = find_named(model.named_persistent_buffers(), kPuzzleTable);
  for (auto& [name, t] : source) {
    const bool is_table = name == kPuzzleTable || name == std::string("_orig_mod.") + kPuzzleTable;
    if (!is_table || !target.defined()) continue;
    if (new_rows == NewPuzzleRows::kZeros) {
      t = torch::zeros(target.sizes(), t.options());
    } else if (t.sizes() != target.sizes()) {
      if (t.dim() != 2 || t.size(1) != target.size(1))
        throw InputError(where, "puzzle embedding table has shape " + c10::str(t.sizes()) +
                                    ", which cannot be resized to " + c10::str(target.sizes()));
      t = t.mean(0, /*keepdim=*/true).expand(target.sizes());
    }
  }
  model.load_named_tensors(source, where);
}

void load_initial_weights(ActModel& model, const std::string& path) {
  load_weights_into(model, checkpoints::load_weights(path, /*prefer_ema=*/true), path, NewPuzzleRows::kMeanRow);
}

}  // namespace recur::trainer
