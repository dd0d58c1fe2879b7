// Evaluation on the test split (spec trm.md 5 "Eval", 4.2, 7).
//
// Each test batch starts from a fresh carry and runs exactly halt_max_steps
// supervision steps (no early halting in eval). The loss head's metric sums
// of the final step are added up over batches and ranks and divided by the
// count of scored examples: exact_accuracy is the Sudoku/Maze headline, with
// its Wilson 95% interval over that count. The final predictions also go to
// each evaluator (trainer/eval/evaluator.h); what they collected is gathered
// on rank 0, which asks them for their results.
//
// With ema: true the EMA weights are evaluated (swapped in for the call and
// swapped back): training continues on the raw weights, as in the reference.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "datasets/test_loader.h"
#include "distributed/communicator.h"
#include "trainer/eval/evaluator.h"
#include "trainer/losses/act_loss.h"
#include "trainer/train/metrics.h"
#include "trainer/train/train_state.h"

namespace recur::trainer {

using Evaluators = std::vector<std::unique_ptr<Evaluator>>;

struct EvalResult {
  Metrics metrics;     // the loss head's, normalised (every rank)
  nlohmann::json row;  // rank 0: metrics, exact_accuracy's interval and every evaluator's fields
  std::string summary;  // rank 0: the headline numbers, for the progress line
};

// One test batch from a fresh carry through exactly halt_max_steps supervision
// steps, without gradient: the last step's outputs and carry.
ActStep eval_batch_steps(ActModel& model, const Batch& batch);

// Called after each test batch with the batches done (for progress lines).
using EvalBatchDone = std::function<void(int64_t batches_done)>;

// Collective.
EvalResult evaluate(TrainState& state, datasets::TestLoader& loader, LossType loss_type, Evaluators& evaluators,
                    distributed::Communicator& comm, const EvalBatchDone& on_batch = {});

// Swaps the EMA shadow into the model's parameters for its lifetime.
class EmaWeightsScope {
 public:
  EmaWeightsScope(ActModel& model, const Ema* ema);
  ~EmaWeightsScope();
  EmaWeightsScope(const EmaWeightsScope&) = delete;
  EmaWeightsScope& operator=(const EmaWeightsScope&) = delete;

 private:
  ActModel& model_;
  std::vector<torch::Tensor> saved_;
};

}  // namespace recur::trainer
