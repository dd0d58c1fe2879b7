// Evaluation loop (see evaluate.h).
#include "trainer/train/evaluate.h"

#include <cstdio>

#include "trainer/eval/wilson_interval.h"
#include "trainer/train/train_step.h"

namespace recur::trainer {
namespace {

// Rank 0 hands each rank's bytes of this evaluation to `evaluator` (all_gatherv).
void gather_on_rank0(Evaluator& evaluator, distributed::Communicator& comm) {
  const std::vector<uint8_t> mine = evaluator.local_bytes();
  torch::Tensor bytes = torch::empty({static_cast<int64_t>(mine.size())}, torch::kUInt8);
  std::copy(mine.begin(), mine.end(), bytes.data_ptr<uint8_t>());
  const torch::Tensor sizes_local = torch::tensor({static_cast<int64_t>(mine.size())}, torch::kInt64);
  const std::string tag = "eval_" + evaluator.name();
  const torch::Tensor sizes = comm.all_gather(sizes_local, tag + "_sizes");
  const torch::Tensor all = comm.all_gatherv(bytes, tag).to(torch::kCPU).contiguous();
  if (comm.rank() != 0) return;
  int64_t offset = 0;
  for (int64_t r = 0; r < sizes.size(0); ++r) {
    const int64_t n = sizes[r].item<int64_t>();
    const uint8_t* p = all.data_ptr<uint8_t>() + offset;
    evaluator.absorb(std::vector<uint8_t>(p, p + n));
    offset += n;
  }
}

std::string format_summary_field(const std::string& key, double value) {
  char text[64];
  std::snprintf(text, sizeof text, " %.4g", value);
  return " " + key + text;
}

}  // namespace

EmaWeightsScope::EmaWeightsScope(ActModel& model, const Ema* ema) : model_(model) {
  if (!ema) return;
  torch::NoGradGuard no_grad;
  const NamedTensors& params = model_.named_parameters();
  for (size_t i = 0; i < params.size(); ++i) {
    saved_.push_back(params[i].second.detach().clone());
    params[i].second.detach().copy_(ema->shadow()[i].second);
  }
}

EmaWeightsScope::~EmaWeightsScope() {
  torch::NoGradGuard no_grad;
  const NamedTensors& params = model_.named_parameters();
  for (size_t i = 0; i < saved_.size(); ++i) params[i].second.detach().copy_(saved_[i]);
}

ActStep eval_batch_steps(ActModel& model, const Batch& batch) {
  torch::NoGradGuard no_grad;
  Carry carry = model.initial_carry(batch.inputs.size(0));
  ActStep out;
  for (int64_t i = 0; i < model.config().halt_max_steps; ++i) {
    out = model.step(carry, batch, /*training=*/false);
    carry = out.carry;
  }
  return out;
}

EvalResult evaluate(TrainState& state, datasets::TestLoader& loader, LossType loss_type, Evaluators& evaluators,
                    distributed::Communicator& comm, const EvalBatchDone& on_batch) {
  EmaWeightsScope ema_weights(*state.model, state.ema.get());
  torch::NoGradGuard no_grad;
  const torch::Device device = state.model->inner().device();
  const int32_t blank = static_cast<int32_t>(loader.metadata().blank_identifier_id);
  for (auto& e : evaluators) e->begin();
  loader.reset();
  MetricSums sums;
  int64_t batches = 0;
  while (std::optional<datasets::Batch> b = loader.next()) {
    const ActStep out = eval_batch_steps(*state.model, batch_to_device(*b, device));
    ActLoss loss = act_loss(out.outputs, out.carry, loss_type);
    loss.metrics["loss"] = loss.loss;
    accumulate_metrics(sums, loss.metrics);
    if (on_batch) on_batch(++batches);
    if (evaluators.empty()) continue;
    const Batch& data = out.carry.current_data;
    const EvalBatch eval_batch{data.inputs.to(torch::kCPU).contiguous(),
                               data.labels.to(torch::kCPU).contiguous(),
                               loss.preds.to(torch::kCPU, torch::kInt32).contiguous(),
                               out.outputs.q_halt_logits.to(torch::kCPU, torch::kFloat32).contiguous(),
                               data.puzzle_identifiers.to(torch::kCPU).contiguous(),
                               blank};
    for (auto& e : evaluators) e->consume(eval_batch);
  }
  EvalResult result;
  result.metrics = normalize_eval_metrics(reduce_metrics(sums, comm));
  for (auto& e : evaluators) gather_on_rank0(*e, comm);
  if (comm.rank() != 0) return result;
  result.row = nlohmann::json::object();
  for (const auto& [key, value] : result.metrics) result.row[key] = value;
  if (result.metrics.count("exact_accuracy"))
    add_with_interval(result.row, "exact_accuracy", result.metrics.at("exact_accuracy"), result.metrics.at("count"));
  for (const char* key : {"exact_accuracy", "accuracy"}) {
    if (result.metrics.count(key)) result.summary += format_summary_field(key, result.metrics.at(key));
  }
  for (auto& e : evaluators) {
    const nlohmann::json fields = e->result();
    for (const auto& [key, value] : fields.items()) {
      if (value.is_number() && key.find("/ci95_") == std::string::npos)
        result.summary += format_summary_field(key, value.get<double>());
    }
    result.row.update(fields);
  }
  return result;
}

}  // namespace recur::trainer
