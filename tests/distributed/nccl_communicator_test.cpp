// NcclCommunicator on GPUs: under mpirun (distributed_nccl_tests, one GPU per rank;
// -np 1 works too), and on one rank without MPI (gpu_tests, tests/gpu/). Each program
// makes its communicator its own way (nccl_test_communicator.h). Without a usable GPU
// every test skips with the reason; RECUR_REQUIRE_GPU=1 (scripts/gpu/run.sh) turns
// the skip into a failure.
#include "distributed/nccl_communicator.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

#include "distributed/flat_gradients.h"
#include "distributed/rank_info.h"
#include "distributed/sparse_gather.h"
#include "tests/distributed/nccl_test_communicator.h"

namespace recur::distributed {
namespace {

class Nccl : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason;
    if (!torch::cuda::is_available())
      reason = "no CUDA device usable by LibTorch (CPU-only LibTorch or no GPU)";
    else if (rank_info_from_env().local_world_size > static_cast<int>(torch::cuda::device_count()))
      reason = "needs one GPU per rank on each node";
    if (reason.empty()) return;
    if (std::getenv("RECUR_REQUIRE_GPU")) FAIL() << reason;
    GTEST_SKIP() << reason;
  }

  static int device() { return local_cuda_device(rank_info_from_env(), static_cast<int>(torch::cuda::device_count())); }
  static torch::Device cuda() { return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(device())); }

  // One communicator for the program, created by the first test that runs (on every rank).
  static NcclCommunicator& comm() {
    static std::unique_ptr<NcclCommunicator> the_comm;
    if (!the_comm) the_comm = make_nccl_test_communicator(device());
    return *the_comm;
  }
  static int64_t sum_of_rank_plus_one() {
    const int64_t w = comm().world_size();
    return w * (w + 1) / 2;
  }
};

TEST_F(Nccl, AllReduceSeesTheComputeStreamsLatestWrite) {
  const int64_t n = 7'000'000;
  auto t = torch::ones({n}, cuda()).mul_(float(comm().rank() + 1));  // queued just before the call
  comm().all_reduce_sum(t, "grads");
  EXPECT_EQ(comm().backend(), "nccl");
  EXPECT_TRUE(torch::equal(t.cpu(), torch::full({n}, float(sum_of_rank_plus_one()))));
}

TEST_F(Nccl, AllReduceFloat64Int64Int32AndStrided) {
  auto d = torch::full({3}, 1.0 + comm().rank() * 1e-12, torch::TensorOptions(torch::kDouble).device(cuda()));
  auto l = torch::full({2}, (int64_t(1) << 60) + 1, torch::TensorOptions(torch::kLong).device(cuda()));
  auto i = torch::full({2}, comm().rank() + 1, torch::TensorOptions(torch::kInt).device(cuda()));
  auto base = torch::full({4, 3}, float(comm().rank() + 1), cuda());
  comm().all_reduce_sum(d, "f64");
  comm().all_reduce_sum(l, "i64");
  comm().all_reduce_sum(i, "i32");
  comm().all_reduce_sum(base.t(), "strided");
  int64_t w = comm().world_size();
  EXPECT_NEAR(d[0].item<double>(), w + 1e-12 * (w * (w - 1) / 2), 1e-15 * w);
  EXPECT_EQ(l[0].item<int64_t>(), ((int64_t(1) << 60) + 1) * w);
  EXPECT_EQ(i[1].item<int>(), sum_of_rank_plus_one());
  EXPECT_TRUE(torch::equal(base.cpu(), torch::full({4, 3}, float(sum_of_rank_plus_one()))));
}

TEST_F(Nccl, AllGatherAndGroupedAllGatherv) {
  int r = comm().rank();
  int64_t w = comm().world_size();
  auto rows = comm().all_gather(torch::full({2, 3}, float(r), cuda()), "rows");
  ASSERT_EQ(rows.size(0), 2 * w);
  EXPECT_TRUE(rows.is_cuda());
  for (int q = 0; q < w; ++q) EXPECT_EQ(rows[2 * q + 1][2].item<float>(), float(q));

  auto var = comm().all_gatherv(torch::full({r, 2}, int64_t(r), torch::TensorOptions(torch::kLong).device(cuda())), "v");
  ASSERT_EQ(var.size(0), w * (w - 1) / 2);
  int64_t row = 0;
  for (int q = 0; q < w; ++q)
    for (int k = 0; k < q; ++k, ++row) EXPECT_EQ(var[row][0].item<int64_t>(), q);
}

TEST_F(Nccl, BroadcastFromEveryRoot) {
  for (int root = 0; root < comm().world_size(); ++root) {
    auto t = torch::full({5}, float(comm().rank() * 10 + 1), cuda());
    comm().broadcast(t, root, "weights");
    EXPECT_TRUE(torch::equal(t.cpu(), torch::full({5}, float(root * 10 + 1))));
  }
}

TEST_F(Nccl, CpuTensorsAndHostValuesGoThroughTheHost) {
  auto t = torch::full({2}, float(comm().rank() + 1));
  comm().all_reduce_sum(t, "cpu_metrics");
  EXPECT_EQ(t[0].item<float>(), float(sum_of_rank_plus_one()));
  EXPECT_TRUE(comm().agree_any(comm().rank() == 0, "stop"));
  EXPECT_FALSE(comm().agree_any(false, "stop"));
  comm().barrier("checkpoint");
}

TEST_F(Nccl, SparseGatherOnTheGpu) {
  int r = comm().rank();
  auto ids = torch::full({4}, r, torch::TensorOptions(torch::kInt).device(cuda()));
  auto grads = torch::full({4, 8}, float(r), cuda());
  GatheredRows rows = all_gather_rows(comm(), ids, grads);
  ASSERT_EQ(rows.ids.size(0), 4 * comm().world_size());
  for (int q = 0; q < comm().world_size(); ++q) {
    EXPECT_EQ(rows.ids[4 * q].item<int>(), q);
    EXPECT_EQ(rows.grads[4 * q + 3][7].item<float>(), float(q));
  }
}

TEST_F(Nccl, FlatGradientsOnTheGpu) {
  auto w = torch::ones({2, 3}, cuda()).requires_grad_();
  auto b = torch::zeros({3}, cuda()).requires_grad_();
  FlatGradients flat({w, b});
  auto x = torch::full({1, 2}, float(comm().rank() + 1), cuda());
  (torch::matmul(x, w) + b).sum().backward();
  flat.check_aliases();
  flat.all_reduce_sum(comm());
  EXPECT_TRUE(torch::equal(w.grad().cpu(), torch::full({2, 3}, float(sum_of_rank_plus_one()))));
  EXPECT_TRUE(torch::equal(b.grad().cpu(), torch::full({3}, float(comm().world_size()))));
}

}  // namespace
}  // namespace recur::distributed
