// One-rank semantics: LocalCommunicator, and the helpers on top of it, behave as the
// multi-rank engines do with a world of one.
#include "distributed/local_communicator.h"

#include <gtest/gtest.h>

#include "distributed/make_communicator.h"
#include "distributed/sparse_gather.h"
#include "distributed/startup_sync.h"

namespace recur::distributed {
namespace {

TEST(LocalCommunicator, IsRankZeroOfOne) {
  LocalCommunicator comm;
  EXPECT_EQ(comm.rank(), 0);
  EXPECT_EQ(comm.world_size(), 1);
  EXPECT_EQ(comm.backend(), "local");
}

TEST(LocalCommunicator, AllReduceLeavesTheTensorUnchanged) {
  LocalCommunicator comm;
  auto t = torch::arange(6, torch::kFloat);
  auto before = t.clone();
  comm.all_reduce_sum(t, "grads");
  EXPECT_TRUE(torch::equal(t, before));
}

TEST(LocalCommunicator, AllReduceRejectsTypesTheOtherEnginesCannotSum) {
  LocalCommunicator comm;
  EXPECT_THROW(comm.all_reduce_sum(torch::ones({2}, torch::kBFloat16), "x"), std::invalid_argument);
  EXPECT_THROW(comm.all_reduce_sum(torch::Tensor(), "x"), std::invalid_argument);
}

TEST(LocalCommunicator, AllGatherReturnsACopy) {
  LocalCommunicator comm;
  auto t = torch::arange(6, torch::kInt).view({3, 2});
  auto gathered = comm.all_gather(t, "ids");
  auto gathered_v = comm.all_gatherv(t, "ids");
  t.fill_(-1);
  EXPECT_TRUE(torch::equal(gathered, torch::arange(6, torch::kInt).view({3, 2})));
  EXPECT_TRUE(torch::equal(gathered_v, gathered));
  EXPECT_THROW(comm.all_gather(torch::tensor(1.0), "scalar"), std::invalid_argument);
}

TEST(LocalCommunicator, BroadcastFromRankZeroOnlyAndAgreeAnyIsTheFlag) {
  LocalCommunicator comm;
  auto t = torch::ones({2});
  comm.broadcast(t, 0, "w");
  EXPECT_TRUE(torch::equal(t, torch::ones({2})));
  EXPECT_THROW(comm.broadcast(t, 1, "w"), std::invalid_argument);
  EXPECT_TRUE(comm.agree_any(true, "stop"));
  EXPECT_FALSE(comm.agree_any(false, "stop"));
  comm.barrier("checkpoint");
}

TEST(LocalCommunicator, StartupSyncAndSparseGatherAreIdentities) {
  LocalCommunicator comm;
  NamedTensors tensors = {{"w", torch::arange(4, torch::kFloat).requires_grad_()}, {"table", torch::zeros({3, 2})}};
  broadcast_from_rank0(comm, tensors);
  EXPECT_NO_THROW(check_consistency(comm, "lr: 1e-4\n", tensors));
  EXPECT_EQ(broadcast_text_from_rank0(comm, "run_dir: x\n", "config"), "run_dir: x\n");

  auto ids = torch::tensor({4, 1}, torch::kInt);
  auto grads = torch::rand({2, 3});
  GatheredRows rows = all_gather_rows(comm, ids, grads);
  EXPECT_TRUE(torch::equal(rows.ids, ids));
  EXPECT_TRUE(torch::equal(rows.grads, grads));
  EXPECT_THROW(all_gather_rows(comm, ids.to(torch::kLong), grads), std::invalid_argument);
  EXPECT_THROW(all_gather_rows(comm, ids, torch::rand({3, 3})), std::invalid_argument);
}

TEST(MakeCommunicator, WithoutMpiIsLocalEvenForCuda) {
  MpiRuntime runtime(RankInfo{});
  EXPECT_EQ(make_communicator(runtime, torch::kCPU, 10)->backend(), "local");
  EXPECT_EQ(make_communicator(runtime, torch::Device(torch::kCUDA, 0), 10)->backend(), "local");
}

}  // namespace
}  // namespace recur::distributed
