// Start-up under mpirun: ranks that begin different end equal to rank 0 after the
// broadcast, and the consistency check names the first item and the ranks that differ.
#include "distributed/startup_sync.h"

#include <gtest/gtest.h>

#include "tests/distributed/mpi_test_main.h"

namespace recur::distributed {
namespace {

using mpi_test::world;

// What a model's state looks like: an fp32 parameter that requires grad, a bf16
// buffer, an int buffer and a strided view. Rank r's values differ from rank 0's.
NamedTensors state_of_rank(int r) {
  torch::manual_seed(1234 + r);
  return {{"model.weight", torch::randn({4, 3}).requires_grad_()},
          {"model.H_init", torch::randn({8}).to(torch::kBFloat16)},
          {"model.steps", torch::full({2}, int64_t(r), torch::kLong)},
          {"model.table_t", torch::randn({3, 5}).t()}};
}

TEST(StartupBroadcast, TextDecidedOnRankZeroReachesEveryRank) {
  std::string mine = "run_dir: runs/trm/rank" + std::to_string(world().rank()) + "\n";
  EXPECT_EQ(broadcast_text_from_rank0(world(), mine, "run_dir"), "run_dir: runs/trm/rank0\n");
  EXPECT_EQ(broadcast_text_from_rank0(world(), world().rank() == 0 ? "" : "x", "empty"), "");
}

TEST(StartupBroadcast, EveryRankEndsWithRankZerosTensors) {
  NamedTensors mine = state_of_rank(world().rank());
  NamedTensors rank0 = state_of_rank(0);
  std::vector<void*> pointers;
  for (auto& [name, t] : mine) pointers.push_back(t.data_ptr());
  broadcast_from_rank0(world(), mine);
  for (size_t i = 0; i < mine.size(); ++i) {
    EXPECT_TRUE(torch::equal(mine[i].second, rank0[i].second)) << mine[i].first;
    EXPECT_EQ(mine[i].second.data_ptr(), pointers[i]) << "broadcast must write in place: " << mine[i].first;
  }
  EXPECT_TRUE(mine[0].second.requires_grad());
  EXPECT_NO_THROW(check_consistency(world(), "arch:\n  hidden_size: 512\n", mine));
}

TEST(StartupConsistency, ATensorDifferingOnOneRankIsNamed) {
  if (world().world_size() < 2) GTEST_SKIP() << "needs two ranks";
  NamedTensors state = state_of_rank(0);
  if (world().rank() == 1) state[2].second[1] = 99;
  try {
    check_consistency(world(), "same config", state);
    FAIL() << "no error on rank " << world().rank();
  } catch (const ConsistencyError& e) {
    EXPECT_STREQ(e.what(), "start-up check: tensor 'model.steps' differs between rank 0 and rank(s) 1");
  }
}

TEST(StartupConsistency, ADifferentConfigIsNamedFirst) {
  if (world().world_size() < 2) GTEST_SKIP() << "needs two ranks";
  NamedTensors state = state_of_rank(world().rank());  // tensors differ too: config is checked first
  std::string config = world().rank() == 0 ? "lr: 0.0001\n" : "lr: 0.001\n";
  try {
    check_consistency(world(), config, state);
    FAIL() << "no error on rank " << world().rank();
  } catch (const ConsistencyError& e) {
    EXPECT_NE(std::string(e.what()).find("the resolved config differs between rank 0 and rank(s) 1"),
              std::string::npos)
        << e.what();
  }
}

TEST(StartupConsistency, ADifferentTensorCountIsAnError) {
  if (world().world_size() < 2) GTEST_SKIP() << "needs two ranks";
  NamedTensors state = state_of_rank(0);
  if (world().rank() == 1) state.pop_back();
  EXPECT_THROW(check_consistency(world(), "c", state), ConsistencyError);
}

TEST(StartupConsistency, ShapeAndNameAreChecked) {
  if (world().world_size() < 2) GTEST_SKIP() << "needs two ranks";
  NamedTensors state = {{"a", torch::zeros({2, 3})}};
  if (world().rank() == 1) state[0].second = torch::zeros({3, 2});  // same bytes, other shape
  EXPECT_THROW(check_consistency(world(), "c", state), ConsistencyError);
  NamedTensors renamed = {{world().rank() == 1 ? "b" : "a", torch::zeros({2})}};
  EXPECT_THROW(check_consistency(world(), "c", renamed), ConsistencyError);
}

}  // namespace
}  // namespace recur::distributed
