// Resuming on another number of ranks (issue 15): a checkpoint written by W
// ranks continues on W' ranks with the same global batch, the carry cut anew
// (trainer/train/rank_share.h), and the run ends where the run that never
// changed world size ends, within the 2 ranks = 1 rank tolerance
// (rank_tolerance.h); with ACT exploration on, whose draws do not depend on
// the world size. Each change is 10 + 10 steps of the tiny ARC run: 1 -> 2 in
// the default suite (CI's time budget), and 2 -> 1 and 2 -> 4 as well with
// RECUR_TEST_ALL_WORLD_SIZES=1 in the environment (docs/slurm.md). A world
// size that does not divide the global batch is refused with exit 2 naming
// global_batch_size.
#include <cstdlib>

#include "rank_tolerance.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

class WorldSizeChange : public TrainingRunTest {
 protected:
  // 10 steps on `before` ranks, then the 10 more to step 20 on `after`.
  void train_split(const std::string& run, int before, int after) {
    train(run, before, "stop_after_steps=10", 0, "arc.yaml");
    auto resumed = start_train(run, after, "stop_after_steps=10", "arc.yaml");
    ASSERT_EQ(resumed->wait(), 0) << resumed->err();
    EXPECT_NE(resumed->err().find("(step 10)"), std::string::npos) << resumed->err();
  }
};

TEST_F(WorldSizeChange, ResumingOnOtherRankCountsEqualsTheUnchangedRunOrIsRefused) {
  RECUR_SKIP_WITHOUT_MPI();
  make_tiny_arc_run();
  struct Case {
    int before, after;
    const char* unchanged;
  };
  std::vector<Case> cases = {{1, 2, "one"}};
  const char* all = std::getenv("RECUR_TEST_ALL_WORLD_SIZES");
  if (all && std::string(all) == "1") {
    cases.push_back({2, 1, "two"});
    cases.push_back({2, 4, "two"});
    train("two", 2, "", 0, "arc.yaml");
  } else {
    std::cout << "[ skipped  ] 2 -> 1 and 2 -> 4: set RECUR_TEST_ALL_WORLD_SIZES=1 to run them\n";
  }
  train("one", 1, "", 0, "arc.yaml");
  for (const Case& c : cases) {
    const std::string run = "from" + std::to_string(c.before) + "to" + std::to_string(c.after);
    SCOPED_TRACE(run);
    train_split(run, c.before, c.after);
    EXPECT_EQ(checkpoints::read_manifest(checkpoint(run, 20)).world_size, c.after);
    expect_same_state_within_tolerance(checkpoint(c.unchanged, 20), checkpoint(run, 20));
  }
  // 3 ranks do not divide the global batch of 4: the resume is refused (in
  // this test, which has a checkpoint at hand, to spare CI a data build).
  auto three = start_train("one", 3, "stop_after_steps=10", "arc.yaml");
  EXPECT_EQ(three->wait(), 2) << three->err();
  EXPECT_NE(three->err().find("global_batch_size"), std::string::npos) << three->err();
}

}  // namespace
}  // namespace recur::testing
