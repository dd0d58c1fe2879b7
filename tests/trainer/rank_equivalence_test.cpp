// Data parallelism changes nothing but the summation order (issue 6): 20
// steps on 2 ranks give the parameters, EMA and puzzle-embedding table of 20
// steps on 1 rank with the same global batch, to float32 reduction-order
// noise (rank_tolerance.h); the carry of the 2 ranks, side by side, is the
// 1-rank carry.
//
// ARC data, because its many puzzle identifiers (tasks x augmentations)
// exercise the sparse puzzle-embedding path: rows gathered from both ranks,
// summed per identifier, sign-SGD. ACT exploration is on, and often (p 0.5):
// every rank draws for the whole global batch from one shared stream and
// uses its slots' share, so the draws, hence the halting, are the same on
// any number of ranks.
#include "rank_tolerance.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

class RankEquivalence : public TrainingRunTest {};

TEST_F(RankEquivalence, TwoRanksMatchOneRankWithTheSameGlobalBatch) {
  RECUR_SKIP_WITHOUT_MPI();
  make_tiny_arc_run();
  train("one", 1, "", 0, "arc.yaml");
  train("two", 2, "", 0, "arc.yaml");
  const checkpoints::StateBundle one = checkpoints::read_bundle(checkpoint("one", 20) + "/model.h5");
  const checkpoints::StateBundle two = checkpoints::read_bundle(checkpoint("two", 20) + "/model.h5");

  // Many puzzle identifiers were trained: their rows left the zero init.
  const torch::Tensor table = one.tensor("model/model.inner.puzzle_emb.weights");
  EXPECT_GT((table.abs().sum(1) > 0).sum().item<int64_t>(), 5);
  const double table_diff = (table - two.tensor("model/model.inner.puzzle_emb.weights")).abs().max().item<double>();
  std::cout << "[ measured ] puzzle table: max |1 rank - 2 ranks| = " << table_diff << "\n";
  expect_same_state_within_tolerance(checkpoint("one", 20), checkpoint("two", 20));
}

}  // namespace
}  // namespace recur::testing
