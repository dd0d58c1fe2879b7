// The ARC scorer on hand-made predictions: augmented versions voting for the
// same answer, ties broken by confidence, pass@K, the submission file, and
// pooling votes across ranks and evaluations.
#include <gtest/gtest.h>

#include "common/error.h"
#include "datasets/arc_augmentation.h"
#include "datasets/arc_encoding.h"
#include "datasets/arc_task.h"
#include "trainer/eval/arc_evaluator.h"

namespace recur::trainer {
namespace {

using datasets::ArcAugmentation;
using datasets::Grid;

Grid grid(int rows, int cols, std::vector<uint8_t> cells) { return Grid{rows, cols, std::move(cells)}; }

std::vector<int32_t> canvas(const Grid& g) {
  std::vector<uint8_t> c(datasets::kArcSeqLen);
  datasets::encode_arc_grid(g, 0, 0, c.data());
  return std::vector<int32_t>(c.begin(), c.end());
}

ArcAugmentation aug(int dihedral, datasets::ColourMap colours) {
  ArcAugmentation a;
  a.dihedral = dihedral;
  a.colours = colours;
  return a;
}

// One prediction row: what a model saw (the augmented input) and predicted.
struct Row {
  int32_t id;
  Grid input;       // as seen by the model (augmented)
  Grid prediction;  // as predicted (augmented)
  float q_logit;
};

class ArcEvaluatorTest : public ::testing::Test {
 protected:
  const Grid a_in = grid(2, 3, {1, 2, 3, 4, 5, 6});
  const Grid a_out = grid(3, 2, {1, 1, 2, 2, 3, 3});
  const Grid a_wrong = grid(1, 1, {7});
  const Grid b_in1 = grid(2, 2, {0, 1, 1, 0});
  const Grid b_out1 = grid(2, 2, {1, 0, 0, 1});
  const Grid b_other = grid(2, 2, {1, 1, 1, 1});
  const Grid b_in2 = grid(1, 2, {3, 3});
  const Grid b_out2 = grid(1, 2, {4, 4});
  const ArcAugmentation rot = aug(1, {0, 2, 1, 3, 4, 5, 6, 7, 9, 8});
  const ArcAugmentation flip = aug(4, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});

  std::vector<std::string> identifiers() const {
    return {"<blank>", "taskA", datasets::augmented_name("taskA", rot), datasets::augmented_name("taskA", flip),
            "taskB", "trainonly"};
  }

  std::string test_puzzles() const {
    const auto j = datasets::grid_to_json;
    // Real tasks always have demonstrations; the scorer only reads the test pairs.
    const nlohmann::json demo = {{{"input", j(a_in)}, {"output", j(a_out)}}};
    nlohmann::json p;
    p["taskA"] = {{"train", demo}, {"test", {{{"input", j(a_in)}, {"output", j(a_out)}}}}};
    p["taskB"] = {{"train", demo},
                  {"test", {{{"input", j(b_in1)}, {"output", j(b_out1)}}, {{"input", j(b_in2)}, {"output", j(b_out2)}}}}};
    return p.dump();
  }

  static void add(ArcEvaluator& ev, const std::vector<Row>& rows) {
    std::vector<int32_t> inputs, preds, ids;
    std::vector<float> q;
    for (const Row& r : rows) {
      auto ci = canvas(r.input), cp = canvas(r.prediction);
      inputs.insert(inputs.end(), ci.begin(), ci.end());
      preds.insert(preds.end(), cp.begin(), cp.end());
      ids.push_back(r.id);
      q.push_back(r.q_logit);
    }
    ev.add_batch(inputs.data(), preds.data(), q.data(), ids.data(), static_cast<int64_t>(rows.size()),
                 datasets::kArcSeqLen, /*blank_id=*/0);
  }

  // taskA: the original and the rotated version both answer a_out, the flipped
  // one answers wrong: a_out wins 2 votes to 1.
  // taskB input 1: one vote each for b_other (confident) and b_out1: the tie
  // goes to b_other, so b_out1 is second. taskB input 2: no prediction.
  std::vector<Row> rows() const {
    using datasets::augment_grid;
    return {
        {1, a_in, a_out, 0.0f},
        {2, augment_grid(a_in, rot), augment_grid(a_out, rot), -1.0f},
        {3, augment_grid(a_in, flip), augment_grid(a_wrong, flip), 5.0f},
        {4, b_in1, b_other, 3.0f},
        {4, b_in1, b_out1, -3.0f},
        {0, a_in, a_wrong, 9.0f},  // padding row: ignored
        {5, a_in, a_wrong, 9.0f},  // a task with no test inputs: ignored
    };
  }
};

TEST_F(ArcEvaluatorTest, VotesAcrossAugmentationsAndBreaksTiesByConfidence) {
  EvaluatorConfig cfg;
  cfg.pass_Ks = {1, 2, 5};
  ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "test.h5");
  ev.begin_eval();
  add(ev, rows());
  ev.pool_votes(ev.local_votes());
  ArcResult r = ev.result();
  // pass@1: taskA 1/1, taskB 0/2 -> 0.5; pass@2: taskA 1, taskB 1/2 -> 0.75.
  EXPECT_DOUBLE_EQ(r.metrics.at("ARC/pass@1"), 0.5);
  EXPECT_DOUBLE_EQ(r.metrics.at("ARC/pass@2"), 0.75);
  EXPECT_DOUBLE_EQ(r.metrics.at("ARC/pass@5"), 0.75);

  const auto& a = r.submission.at("taskA");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].at("attempt_1"), nlohmann::json::parse("[[1,1],[2,2],[3,3]]"));
  EXPECT_EQ(a[0].at("attempt_2"), nlohmann::json::parse("[[7]]"));
  const auto& b = r.submission.at("taskB");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].at("attempt_1"), nlohmann::json::parse("[[1,1],[1,1]]"));
  EXPECT_EQ(b[0].at("attempt_2"), nlohmann::json::parse("[[1,0],[0,1]]"));
  EXPECT_EQ(b[1].at("attempt_1"), nlohmann::json::parse("[[0]]"));
  EXPECT_EQ(b[1].at("attempt_2"), nlohmann::json::parse("[[0]]"));
}

TEST_F(ArcEvaluatorTest, PoolsVotesFromSeveralRanks) {
  EvaluatorConfig cfg;
  cfg.pass_Ks = {1, 2};
  std::vector<Row> all = rows();
  ArcEvaluator rank0(identifiers(), test_puzzles(), cfg, "t.h5"), rank1(identifiers(), test_puzzles(), cfg, "t.h5");
  rank0.begin_eval();
  rank1.begin_eval();
  add(rank0, {all[0], all[3]});
  add(rank1, {all[1], all[2], all[4]});
  rank0.pool_votes(rank0.local_votes());
  rank0.pool_votes(rank1.local_votes());
  EXPECT_DOUBLE_EQ(rank0.result().metrics.at("ARC/pass@1"), 0.5);
  EXPECT_DOUBLE_EQ(rank0.result().metrics.at("ARC/pass@2"), 0.75);
}

TEST_F(ArcEvaluatorTest, AggregatedVotingKeepsEarlierEvaluations) {
  std::vector<Row> all = rows();
  for (bool aggregated : {true, false}) {
    EvaluatorConfig cfg;
    cfg.pass_Ks = {1};
    cfg.aggregated_voting = aggregated;
    ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "t.h5");
    // First evaluation: taskA gets only the wrong answer.
    ev.begin_eval();
    add(ev, {all[2]});
    ev.pool_votes(ev.local_votes());
    EXPECT_DOUBLE_EQ(ev.result().metrics.at("ARC/pass@1"), 0.0);
    // Second evaluation: one right vote. Pooled with the first it only ties
    // (1 vote each, the wrong one more confident); alone it wins.
    ev.begin_eval();
    add(ev, {all[0]});
    ev.pool_votes(ev.local_votes());
    EXPECT_DOUBLE_EQ(ev.result().metrics.at("ARC/pass@1"), aggregated ? 0.0 : 0.5) << aggregated;
  }
}

TEST_F(ArcEvaluatorTest, PooledVotesSurviveACheckpointRoundTrip) {
  EvaluatorConfig cfg;
  cfg.pass_Ks = {1, 2};
  ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "t.h5");
  ev.begin_eval();
  add(ev, rows());
  ev.pool_votes(ev.local_votes());
  ArcEvaluator restored(identifiers(), test_puzzles(), cfg, "t.h5");
  restored.restore_pooled_votes(ev.pooled_votes());
  EXPECT_EQ(restored.result().metrics, ev.result().metrics);
  EXPECT_EQ(restored.result().submission, ev.result().submission);
}

TEST_F(ArcEvaluatorTest, MalformedTestPuzzlesNameTheFile) {
  EvaluatorConfig cfg;
  try {
    ArcEvaluator ev(identifiers(), "[1,2", cfg, "broken.h5");
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.h5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace recur::trainer
