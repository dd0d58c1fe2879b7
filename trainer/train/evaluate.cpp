// Evaluation loop (see evaluate.h).
#include "trainer/train/evaluate.h"

#include <ATen/CPUGeneratorImpl.h>

#include "trainer/train/train_step.h"

namespace recur::trainer {
namespace {

// Rank 0 pools every rank's votes of this evaluation (all_gatherv of bytes).
void pool_arc_votes(ArcEvaluator& arc, distributed::Communicator& comm) {
  const std::vector<uint8_t> mine = arc.local_votes();
  torch::Tensor bytes = torch::empty({static_cast<int64_t>(mine.size())}, torch::kUInt8);
  std::copy(mine.begin(), mine.end(), bytes.data_ptr<uint8_t>());
  const torch::Tensor sizes_local = torch::tensor({static_cast<int64_t>(mine.size())}, torch::kInt64);
  const torch::Tensor sizes = comm.all_gather(sizes_local, "arc_vote_sizes");
  const torch::Tensor all = comm.all_gatherv(bytes, "arc_votes").to(torch::kCPU).contiguous();
  if (comm.rank() != 0) return;
  int64_t offset = 0;
  for (int64_t r = 0; r < sizes.size(0); ++r) {
    const int64_t n = sizes[r].item<int64_t>();
    const uint8_t* p = all.data_ptr<uint8_t>() + offset;
    arc.pool_votes(std::vector<uint8_t>(p, p + n));
    offset += n;
  }
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
  // Eval never explores; step() still takes a generator.
  torch::Generator unused = at::make_generator<at::CPUGeneratorImpl>(0);
  Carry carry = model.initial_carry(batch.inputs.size(0));
  ActStep out;
  for (int64_t i = 0; i < model.config().halt_max_steps; ++i) {
    out = model.step(carry, batch, /*training=*/false, unused);
    carry = out.carry;
  }
  return out;
}

EvalResult evaluate(TrainState& state, datasets::TestLoader& loader, LossType loss_type, ArcEvaluator* arc,
                    distributed::Communicator& comm) {
  EmaWeightsScope ema_weights(*state.model, state.ema.get());
  torch::NoGradGuard no_grad;
  const torch::Device device = state.model->inner().device();
  const int32_t blank = static_cast<int32_t>(loader.metadata().blank_identifier_id);
  if (arc) arc->begin_eval();
  loader.reset();
  MetricSums sums;
  while (std::optional<datasets::Batch> b = loader.next()) {
    const ActStep out = eval_batch_steps(*state.model, batch_to_device(*b, device));
    ActLoss loss = act_loss(out.outputs, out.carry, loss_type);
    loss.metrics["loss"] = loss.loss;
    accumulate_metrics(sums, loss.metrics);
    if (arc) {
      const torch::Tensor inputs = out.carry.current_data.inputs.to(torch::kCPU).contiguous();
      const torch::Tensor preds = loss.preds.to(torch::kCPU, torch::kInt32).contiguous();
      const torch::Tensor q = out.outputs.q_halt_logits.to(torch::kCPU, torch::kFloat32).contiguous();
      const torch::Tensor ids = out.carry.current_data.puzzle_identifiers.to(torch::kCPU).contiguous();
      arc->add_batch(inputs.data_ptr<int32_t>(), preds.data_ptr<int32_t>(), q.data_ptr<float>(),
                     ids.data_ptr<int32_t>(), b->rows, b->seq_len, blank);
    }
  }
  EvalResult result;
  result.metrics = normalize_eval_metrics(reduce_metrics(sums, comm));
  if (arc) {
    pool_arc_votes(*arc, comm);
    if (comm.rank() == 0) {
      result.arc = arc->result();
      for (const auto& [key, value] : result.arc->metrics) result.metrics[key] = value;
    }
  }
  return result;
}

}  // namespace recur::trainer
