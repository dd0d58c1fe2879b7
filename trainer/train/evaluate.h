// Evaluation on the test split (spec trm.md 5 "Eval", 4.2, 7).
//
// Each test batch starts from a fresh carry and runs exactly halt_max_steps
// supervision steps (no early halting in eval). The loss head's metric sums
// of the final step are added up over batches and ranks and divided by the
// count of scored examples: exact_accuracy is the Sudoku/Maze headline. With
// an ARC evaluator, the final predictions also vote (arc_evaluator.h); the
// votes are gathered on rank 0, which scores them.
//
// With ema: true the EMA weights are evaluated (swapped in for the call and
// swapped back): training continues on the raw weights, as in the reference.
#pragma once

#include <optional>

#include "datasets/test_loader.h"
#include "distributed/communicator.h"
#include "trainer/eval/arc_evaluator.h"
#include "trainer/losses/act_loss.h"
#include "trainer/train/metrics.h"
#include "trainer/train/train_state.h"

namespace recur::trainer {

struct EvalResult {
  Metrics metrics;                // normalised; ARC/pass@K added on rank 0
  std::optional<ArcResult> arc;   // rank 0 with an ARC evaluator
};

// One test batch from a fresh carry through exactly halt_max_steps supervision
// steps, without gradient: the last step's outputs and carry.
ActStep eval_batch_steps(ActModel& model, const Batch& batch);

// Collective. `arc` may be null (Sudoku, Maze).
EvalResult evaluate(TrainState& state, datasets::TestLoader& loader, LossType loss_type,
                    ArcEvaluator* arc, distributed::Communicator& comm);

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
