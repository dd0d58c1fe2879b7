// The ARC scorer on hand-made predictions: augmented versions voting for the
// same answer, ties broken by confidence, pass@K under both papers' task
// rules with Wilson intervals, the submission and predictions files, and
// pooling votes across ranks and evaluations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "common/error.h"
#include "datasets/arc_augmentation.h"
#include "datasets/arc_encoding.h"
#include "datasets/arc_task.h"
#include "recur_process.h"
#include "trainer/eval/arc_evaluator.h"
#include "trainer/eval/wilson_interval.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;
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

  // One evaluation batch of `rows` (labels are not read by the scorer).
  static void add(Evaluator& ev, const std::vector<Row>& rows) {
    std::vector<int32_t> inputs, preds, ids;
    std::vector<float> q;
    for (const Row& r : rows) {
      auto ci = canvas(r.input), cp = canvas(r.prediction);
      inputs.insert(inputs.end(), ci.begin(), ci.end());
      preds.insert(preds.end(), cp.begin(), cp.end());
      ids.push_back(r.id);
      q.push_back(r.q_logit);
    }
    const int64_t n = static_cast<int64_t>(rows.size());
    auto tensor = [](auto& v, at::IntArrayRef shape, torch::ScalarType t) {
      return torch::from_blob(v.data(), shape, torch::TensorOptions().dtype(t)).clone();
    };
    const torch::Tensor in = tensor(inputs, {n, datasets::kArcSeqLen}, torch::kInt32);
    ev.consume({in, torch::full_like(in, -100), tensor(preds, {n, datasets::kArcSeqLen}, torch::kInt32),
                tensor(q, {n}, torch::kFloat32), tensor(ids, {n}, torch::kInt32), /*blank_identifier_id=*/0});
  }

  // begin, one batch, gather (one rank), result.
  static nlohmann::json evaluate_rows(ArcEvaluator& ev, const std::vector<Row>& rows) {
    ev.begin();
    add(ev, rows);
    ev.absorb(ev.local_bytes());
    return ev.result();
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
  const nlohmann::json r = evaluate_rows(ev, rows());
  // pass@1: taskA 1/1, taskB 0/2 -> 0.5; pass@2: taskA 1, taskB 1/2 -> 0.75.
  EXPECT_DOUBLE_EQ(r.at("ARC/pass@1"), 0.5);
  EXPECT_DOUBLE_EQ(r.at("ARC/pass@2"), 0.75);
  EXPECT_DOUBLE_EQ(r.at("ARC/pass@5"), 0.75);
  EXPECT_EQ(r.at("ARC/task_rule"), "fraction");
  EXPECT_EQ(r.at("ARC/tasks"), 2);

  const nlohmann::json sub = ev.submission();
  const auto& a = sub.at("taskA");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].at("attempt_1"), nlohmann::json::parse("[[1,1],[2,2],[3,3]]"));
  EXPECT_EQ(a[0].at("attempt_2"), nlohmann::json::parse("[[7]]"));
  const auto& b = sub.at("taskB");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].at("attempt_1"), nlohmann::json::parse("[[1,1],[1,1]]"));
  EXPECT_EQ(b[0].at("attempt_2"), nlohmann::json::parse("[[1,0],[0,1]]"));
  EXPECT_EQ(b[1].at("attempt_1"), nlohmann::json::parse("[[0]]"));
  EXPECT_EQ(b[1].at("attempt_2"), nlohmann::json::parse("[[0]]"));
}

// HRM's notebook counts a task only when all its test inputs are solved:
// taskB (1 of 2 at pass@2) scores 0 instead of 1/2.
TEST_F(ArcEvaluatorTest, AllInputsRuleCountsATaskOnlyWhenEveryTestInputIsSolved) {
  EvaluatorConfig cfg;
  cfg.pass_Ks = {1, 2};
  cfg.task_rule = "all";
  ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "test.h5");
  nlohmann::json r = evaluate_rows(ev, rows());
  EXPECT_DOUBLE_EQ(r.at("ARC/pass@1"), 0.5);  // taskA only
  EXPECT_DOUBLE_EQ(r.at("ARC/pass@2"), 0.5);  // taskB's second input has no vote
  EXPECT_EQ(r.at("ARC/task_rule"), "all");
  // With taskB's second input solved too, taskB counts: both rules agree on 1.
  std::vector<Row> more = rows();
  more.push_back({4, b_in2, b_out2, 0.0f});
  r = evaluate_rows(ev, more);
  EXPECT_DOUBLE_EQ(r.at("ARC/pass@2"), 1.0);
  EXPECT_DOUBLE_EQ(r.at("ARC/pass@1"), 0.5);
}

// Wilson 95% intervals over the 2 tasks: p = 0.5 of n = 2 gives
// [0.0945, 0.9055], p = 0.75 of 2 gives [0.1979, 0.9733] (closed form).
TEST_F(ArcEvaluatorTest, EveryPassAtKCarriesItsWilsonInterval) {
  EvaluatorConfig cfg;
  cfg.pass_Ks = {1, 2};
  ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "test.h5");
  const nlohmann::json r = evaluate_rows(ev, rows());
  EXPECT_NEAR(r.at("ARC/pass@1/ci95_low"), 0.094531, 1e-6);
  EXPECT_NEAR(r.at("ARC/pass@1/ci95_high"), 0.905469, 1e-6);
  EXPECT_NEAR(r.at("ARC/pass@2/ci95_low"), 0.197867, 1e-6);
  EXPECT_NEAR(r.at("ARC/pass@2/ci95_high"), 0.973323, 1e-6);
}

TEST(WilsonInterval, MatchesTheClosedFormAndStaysInTheUnitInterval) {
  // 45 of 100: centre (0.45 + 1.92/100) / 1.0384, half-width 0.0963 (tables).
  const Interval ci = wilson_interval(0.45, 100);
  EXPECT_NEAR(ci.low, 0.3561, 1e-4);
  EXPECT_NEAR(ci.high, 0.5475, 1e-4);
  EXPECT_DOUBLE_EQ(wilson_interval(0.0, 10).low, 0.0);
  EXPECT_NEAR(wilson_interval(0.0, 10).high, 0.2775, 1e-4);
  EXPECT_DOUBLE_EQ(wilson_interval(1.0, 10).high, 1.0);
  EXPECT_NEAR(wilson_interval(1.0, 10).low, 0.7225, 1e-4);
  EXPECT_DOUBLE_EQ(wilson_interval(0.5, 0).low, 0.0);
  EXPECT_DOUBLE_EQ(wilson_interval(0.5, 0).high, 1.0);
}

TEST_F(ArcEvaluatorTest, PoolsVotesFromSeveralRanks) {
  EvaluatorConfig cfg;
  cfg.pass_Ks = {1, 2};
  std::vector<Row> all = rows();
  ArcEvaluator rank0(identifiers(), test_puzzles(), cfg, "t.h5"), rank1(identifiers(), test_puzzles(), cfg, "t.h5");
  rank0.begin();
  rank1.begin();
  add(rank0, {all[0], all[3]});
  add(rank1, {all[1], all[2], all[4]});
  rank0.absorb(rank0.local_bytes());
  rank0.absorb(rank1.local_bytes());
  EXPECT_DOUBLE_EQ(rank0.result().at("ARC/pass@1"), 0.5);
  EXPECT_DOUBLE_EQ(rank0.result().at("ARC/pass@2"), 0.75);
}

TEST_F(ArcEvaluatorTest, AggregatedVotingKeepsEarlierEvaluations) {
  std::vector<Row> all = rows();
  for (bool aggregated : {true, false}) {
    EvaluatorConfig cfg;
    cfg.pass_Ks = {1};
    cfg.aggregated_voting = aggregated;
    ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "t.h5");
    EXPECT_EQ(ev.pools_evaluations(), aggregated);
    // First evaluation: taskA gets only the wrong answer.
    EXPECT_DOUBLE_EQ(evaluate_rows(ev, {all[2]}).at("ARC/pass@1"), 0.0);
    // Second evaluation: one right vote. Pooled with the first it only ties
    // (1 vote each, the wrong one more confident); alone it wins.
    EXPECT_DOUBLE_EQ(evaluate_rows(ev, {all[0]}).at("ARC/pass@1"), aggregated ? 0.0 : 0.5) << aggregated;
  }
}

TEST_F(ArcEvaluatorTest, PooledVotesSurviveACheckpointRoundTrip) {
  EvaluatorConfig cfg;
  cfg.pass_Ks = {1, 2};
  ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "t.h5");
  evaluate_rows(ev, rows());
  ArcEvaluator restored(identifiers(), test_puzzles(), cfg, "t.h5");
  restored.restore(ev.state());
  EXPECT_EQ(restored.result(), ev.result());
  EXPECT_EQ(restored.submission(), ev.submission());
}

// arc_predictions.json: per test input the input, the truth, the vote total,
// the ranked candidates (at most saved_candidates) and where the truth ranks.
TEST_F(ArcEvaluatorTest, PredictionsFileHoldsRankedCandidatesWithCountsAndConfidence) {
  EvaluatorConfig cfg;
  cfg.saved_candidates = 1;
  ArcEvaluator ev(identifiers(), test_puzzles(), cfg, "t.h5");
  evaluate_rows(ev, rows());
  const fs::path dir = fs::temp_directory_path() / ("recur_arc_predictions_" + std::to_string(getpid()));
  fs::create_directories(dir);
  ev.write_outputs(dir.string(), 7);
  const nlohmann::json p = nlohmann::json::parse(recur::testing::read_whole_file((dir / "arc_predictions.json").string()));
  EXPECT_EQ(nlohmann::json::parse(recur::testing::read_whole_file((dir / "submission.json").string())), ev.submission());
  fs::remove_all(dir);
  EXPECT_EQ(p.at("format"), "recur-arc-predictions");
  EXPECT_EQ(p.at("step"), 7);
  const nlohmann::json& a = p.at("tasks").at("taskA");
  EXPECT_EQ(a.at("train").size(), 1u);
  const nlohmann::json& a0 = a.at("test").at(0);
  EXPECT_EQ(a0.at("input"), datasets::grid_to_json(a_in));
  EXPECT_EQ(a0.at("output"), datasets::grid_to_json(a_out));
  EXPECT_EQ(a0.at("votes"), 3);
  EXPECT_EQ(a0.at("distinct"), 2);
  EXPECT_EQ(a0.at("truth_rank"), 1);
  ASSERT_EQ(a0.at("candidates").size(), 1u);  // saved_candidates
  EXPECT_EQ(a0.at("candidates")[0].at("grid"), datasets::grid_to_json(a_out));
  EXPECT_EQ(a0.at("candidates")[0].at("count"), 2);
  // mean sigmoid(q) of the two right votes: (sigmoid(0) + sigmoid(-1)) / 2.
  EXPECT_NEAR(a0.at("candidates")[0].at("mean_q").get<double>(), (0.5 + 1 / (1 + std::exp(1.0))) / 2, 1e-12);
  const nlohmann::json& b = p.at("tasks").at("taskB").at("test");
  EXPECT_EQ(b.at(0).at("truth_rank"), 2);
  EXPECT_TRUE(b.at(1).at("truth_rank").is_null());
  EXPECT_EQ(b.at(1).at("votes"), 0);
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
