// Resuming is exact (issue 7): a run stopped and resumed, in any of the ways
// a run stops, ends bit-identical to one that never stopped: weights, EMA,
// optimizer moments, puzzle-embedding table, ACT carry, exploration RNG and
// loader position, compared tensor by tensor in the checkpoints; and its
// metrics.jsonl reads as one run (each step once, the same values).
//
// The straight runs save no periodic checkpoints and the stopped runs save
// every few steps, so these tests also show that saving does not perturb the
// training (RNG, loader, carry).
#include <random>

#include "checkpoints/weights.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

class Resume : public TrainingRunTest {
 protected:
  // The eval checkpoints of a straight run and the compared run: every one
  // of them (steps 10, 20, 30) identical.
  void expect_identical_to_straight(const std::string& run, const std::string& straight) {
    for (int64_t step : {10, 20, 30})
      EXPECT_TRUE(same_checkpoint_state(checkpoint(straight, step), checkpoint(run, step))) << "step " << step;
    expect_same_metrics(path(run), path(straight), kTotalSteps);
  }

  // stop_after_steps=15 twice: steps 1-15 (one evaluation on the way, stop
  // mid-epoch), then 16-30 (the run's end, so it finishes normally).
  void stop_and_resume(int ranks, const std::string& recipe = "tiny.yaml") {
    make_sudoku_data();
    if (recipe == "tiny-urm.yaml") write_tiny_urm_recipe(/*muon=*/true);
    train("straight", ranks, "checkpoint_interval=0", 0, recipe);
    auto first = start_train("split", ranks, "stop_after_steps=15 checkpoint_interval=4", recipe);
    ASSERT_EQ(first->wait(), 0) << first->err();
    const nlohmann::json stopped = last_json_line(first->out());
    EXPECT_EQ(stopped.at("step"), 15);
    EXPECT_EQ(stopped.at("finished"), false);
    EXPECT_EQ(complete_steps(path("split")), (std::vector<int64_t>{10, 12, 15}));  // the newest 3
    auto second = start_train("split", ranks, "stop_after_steps=15 checkpoint_interval=4", recipe);
    ASSERT_EQ(second->wait(), 0) << second->err();
    EXPECT_EQ(last_json_line(second->out()).at("finished"), true);
    EXPECT_NE(second->err().find("resumed from"), std::string::npos) << second->err();
    expect_identical_to_straight("split", "straight");
  }

  // SIGUSR1 (to the process, or to mpirun, which forwards it) once training
  // reached `at_step`: exit 75 with a complete checkpoint at the step reached.
  // With `storm`, SIGUSR1 and SIGTERM keep arriving every 2 ms until the
  // process ends, so some land while the checkpoint is being written.
  void signal_and_resume(int ranks, int64_t at_step, bool storm = false) {
    make_sudoku_data();
    train("straight", ranks, "checkpoint_interval=0");
    auto run = start_train("stopped", ranks, "checkpoint_interval=0");
    ASSERT_TRUE(wait_until([&] { return last_logged_step(path("stopped/metrics.jsonl")) >= at_step; }))
        << run->err();
    kill(run->pid(), SIGUSR1);
    for (int i = 0; storm && run->running(); ++i) {
      kill(run->pid(), i % 2 ? SIGTERM : SIGUSR1);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ASSERT_EQ(run->wait(), 75) << run->err();
    const int64_t reached = metrics_rows(path("stopped")).train.back().at("step");
    ASSERT_LT(reached, kTotalSteps) << "the run ended before the signal arrived";
    EXPECT_EQ(complete_steps(path("stopped")).back(), reached);
    train("stopped", ranks, "checkpoint_interval=0");
    expect_identical_to_straight("stopped", "straight");
  }
};

TEST_F(Resume, StopAfterStepsThenResumeIsBitIdentical) { stop_and_resume(1); }

TEST_F(Resume, StopAfterStepsThenResumeIsBitIdenticalOnTwoRanks) {
  RECUR_SKIP_WITHOUT_MPI();
  stop_and_resume(2);
}

// URM (bf16 conv, its gradients summed over two ranks) with Muon: the Muon momentum, the
// AdamW moments in bf16 and the bf16 EMA survive the resume bit for bit; the run evaluates.
TEST_F(Resume, UrmWithMuonStopAfterStepsThenResumeIsBitIdenticalOnTwoRanks) {
  stop_and_resume(2, "tiny-urm.yaml");
  EXPECT_EQ(metrics_rows(path("straight")).eval.size(), 3u);
  // Exported with the reference's names, the bf16 conv kept in bf16.
  const ProcessResult exported = run_recur("export " + path("straight") + " --ema --to " + path("urm.pt"));
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const checkpoints::NamedTensors pt = checkpoints::load_weights(path("urm.pt"), /*prefer_ema=*/true);
  const checkpoints::NamedTensors saved = checkpoints::load_weights(checkpoint("straight", 30), /*prefer_ema=*/true);
  ASSERT_EQ(pt.size(), saved.size());
  for (size_t i = 0; i < pt.size(); ++i) {
    EXPECT_EQ(pt[i].first, saved[i].first);
    EXPECT_TRUE(torch::equal(pt[i].second, saved[i].second)) << pt[i].first;
  }
  auto named = [&](const std::string& name) {
    for (const auto& [n, t] : pt)
      if (n == name) return t;
    return torch::Tensor();
  };
  ASSERT_TRUE(named("model.inner.layers.0.mlp.dwconv.weight").defined());
  EXPECT_EQ(named("model.inner.layers.0.mlp.dwconv.weight").scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(named("model.inner.init_hidden").defined());
}

TEST_F(Resume, Sigusr1ExitsWith75AndResumeIsBitIdentical) { signal_and_resume(1, 13); }

TEST_F(Resume, Sigusr1ThroughMpirunExitsWith75AndResumeIsBitIdentical) {
  RECUR_SKIP_WITHOUT_MPI();
  signal_and_resume(2, 17);
}

// A second (and third...) signal during the checkpoint only sets the stop
// flag again: the checkpoint completes and resumes exactly.
TEST_F(Resume, SignalsDuringTheCheckpointDoNotCorruptIt) { signal_and_resume(1, 11, /*storm=*/true); }

// kill -9 at a random moment after a few checkpoints (one every 2 steps, so
// the kill often lands inside a save): the resumed run starts from the last
// complete checkpoint and ends identical to the straight run.
TEST_F(Resume, KillNineAtRandomMomentThenResumeIsBitIdentical) {
  make_sudoku_data();
  train("straight", 1, "checkpoint_interval=0");
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  const int64_t at_step = std::uniform_int_distribution<int64_t>(6, 24)(rng);
  const int delay_ms = std::uniform_int_distribution<int>(0, 20)(rng);
  SCOPED_TRACE("kill after step " + std::to_string(at_step) + " + " + std::to_string(delay_ms) + " ms (seed " +
               std::to_string(seed) + ")");
  auto run = start_train("killed", 1, "checkpoint_interval=2");
  ASSERT_TRUE(wait_until([&] { return last_logged_step(path("killed/metrics.jsonl")) >= at_step; })) << run->err();
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  kill(run->pid(), SIGKILL);
  ASSERT_EQ(run->wait(), 128 + SIGKILL) << "the run ended before the kill: " << run->err();
  const std::vector<int64_t> left = complete_steps(path("killed"));
  ASSERT_FALSE(left.empty());
  auto resumed = start_train("killed", 1, "checkpoint_interval=2");
  ASSERT_EQ(resumed->wait(), 0) << resumed->err();
  EXPECT_NE(resumed->err().find("(step " + std::to_string(left.back()) + ")"), std::string::npos) << resumed->err();
  expect_identical_to_straight("killed", "straight");
}

}  // namespace
}  // namespace recur::testing
