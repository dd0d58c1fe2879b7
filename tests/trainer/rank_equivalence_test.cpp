// Data parallelism changes nothing but the summation order (issue 6): 20
// steps on 2 ranks give the parameters, EMA and puzzle-embedding table of 20
// steps on 1 rank with the same global batch, to float32 reduction-order
// noise; the carry of the 2 ranks, side by side, is the 1-rank carry.
//
// ARC data, because its many puzzle identifiers (tasks x augmentations)
// exercise the sparse puzzle-embedding path: rows gathered from both ranks,
// summed per identifier, sign-SGD. halt_exploration_prob=0: ACT exploration
// draws from a generator seeded seed + rank, so 1 and 2 ranks would explore
// differently by design; without exploration the runs must agree.
//
// Tolerance: |a - b| <= 1e-5 + 1e-4 |a| per element. Measured here (OpenBLAS,
// one thread per rank): max |a - b| 6e-8 for the weights, 3e-8 for the EMA,
// 0 for the puzzle table, 1.2e-6 for the carry's z_L (values of order 10),
// i.e. a few float32 ulps; an update moves a weight by at most lr = 1e-3, so
// a real difference (a lost gradient, a row summed twice) is far above it.
#include "training_runs.h"

namespace recur::testing {
namespace {

constexpr double kAbsTolerance = 1e-5;
constexpr double kRelTolerance = 1e-4;

class RankEquivalence : public TrainingRunTest {
 protected:
  void make_arc_data() {
    make_tiny_arc_data(4);
    if (HasFatalFailure()) return;
    write("arc.yaml", "include: " + std::string(RECUR_SOURCE_DIR) + "/recipes/base/trm.yaml\n" +
                          "data_paths: [" + path("arc.h5") + "]\n" + R"(
evaluators: []
global_batch_size: 4
epochs: 100
eval_interval: 100
stop_after_steps: 20
checkpoint_interval: 0
lr: 1.0e-3
lr_warmup_steps: 5
puzzle_emb_lr: 1.0e-2
threads: 1
arch: {hidden_size: 16, num_heads: 1, puzzle_emb_ndim: 16, puzzle_emb_len: 1, H_cycles: 1, L_cycles: 1,
       L_layers: 1, halt_max_steps: 2, halt_exploration_prob: 0}
)");
  }
};

struct Difference {
  double max_abs = 0;
  std::string where;
  int64_t outside = 0;  // elements beyond the tolerance
};

void compare(const torch::Tensor& a, const torch::Tensor& b, const std::string& name, Difference* d) {
  ASSERT_EQ(a.sizes(), b.sizes()) << name;
  if (!a.is_floating_point()) {
    EXPECT_TRUE(torch::equal(a, b)) << name;
    return;
  }
  const torch::Tensor x = a.to(torch::kFloat64), y = b.to(torch::kFloat64);
  const torch::Tensor diff = (x - y).abs();
  const double m = diff.numel() ? diff.max().item<double>() : 0.0;
  if (m > d->max_abs) {
    d->max_abs = m;
    d->where = name;
  }
  d->outside += (diff > kAbsTolerance + kRelTolerance * x.abs()).sum().item<int64_t>();
}

TEST_F(RankEquivalence, TwoRanksMatchOneRankWithTheSameGlobalBatch) {
  make_arc_data();
  train("one", 1, "", 0, "arc.yaml");
  train("two", 2, "", 0, "arc.yaml");
  const checkpoints::StateBundle one = checkpoints::read_bundle(checkpoint("one", 20) + "/model.h5");
  const checkpoints::StateBundle two = checkpoints::read_bundle(checkpoint("two", 20) + "/model.h5");

  // Many puzzle identifiers were trained: their rows left the zero init.
  const torch::Tensor table = one.tensor("model/model.inner.puzzle_emb.weights");
  EXPECT_GT((table.abs().sum(1) > 0).sum().item<int64_t>(), 5);
  const double table_diff = (table - two.tensor("model/model.inner.puzzle_emb.weights")).abs().max().item<double>();
  std::cout << "[ measured ] puzzle table: max |1 rank - 2 ranks| = " << table_diff << "\n";

  std::map<std::string, Difference> groups;
  for (const auto& [name, t] : one.tensors()) {
    const std::string group = name.substr(0, name.find('/'));
    if (group == "model" || group == "ema") compare(t, two.tensor(name), name, &groups[group]);
  }
  ASSERT_EQ(groups.size(), 2u);
  for (const auto& [group, d] : groups) {
    std::cout << "[ measured ] " << group << ": max |1 rank - 2 ranks| = " << d.max_abs << " (" << d.where << ")\n";
    RecordProperty(group + "_max_abs_diff", std::to_string(d.max_abs));
    EXPECT_EQ(d.outside, 0) << group << ": max abs diff " << d.max_abs << " at " << d.where;
  }

  // Carry: rank 0's slots then rank 1's are the 1-rank slots.
  const checkpoints::StateBundle carry_one = checkpoints::read_bundle(checkpoint("one", 20) + "/rank_00000.h5");
  const checkpoints::StateBundle r0 = checkpoints::read_bundle(checkpoint("two", 20) + "/rank_00000.h5");
  const checkpoints::StateBundle r1 = checkpoints::read_bundle(checkpoint("two", 20) + "/rank_00001.h5");
  Difference carry;
  for (const auto& [name, t] : carry_one.tensors())
    if (name.rfind("carry/", 0) == 0) compare(t, torch::cat({r0.tensor(name), r1.tensor(name)}), name, &carry);
  std::cout << "[ measured ] carry: max |1 rank - 2 ranks| = " << carry.max_abs << " (" << carry.where << ")\n";
  EXPECT_EQ(carry.outside, 0) << carry.where;
}

}  // namespace
}  // namespace recur::testing
