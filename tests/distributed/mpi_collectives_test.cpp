// MpiCommunicator under mpirun: every collective against values each rank can
// predict. Runs with any world size >= 1 (ctest uses 2).
#include <gtest/gtest.h>

#include <cstdint>

#include "distributed/flat_gradients.h"
#include "distributed/make_communicator.h"
#include "distributed/sparse_gather.h"
#include "tests/distributed/mpi_test_main.h"

namespace recur::distributed {
namespace {

using mpi_test::world;

int64_t world_sum_of_rank_plus_one() {
  int64_t w = world().world_size();
  return w * (w + 1) / 2;
}

TEST(MpiAllReduce, Float32) {
  auto t = torch::full({5}, float(world().rank() + 1));
  world().all_reduce_sum(t, "f32");
  EXPECT_TRUE(torch::equal(t, torch::full({5}, float(world_sum_of_rank_plus_one()))));
}

TEST(MpiAllReduce, Float64KeepsDoublePrecision) {
  // 1 + rank * 1e-12: lost in float32, exact enough in float64.
  auto t = torch::full({3}, 1.0 + world().rank() * 1e-12, torch::kDouble);
  world().all_reduce_sum(t, "f64");
  int64_t w = world().world_size();
  double expected = w + 1e-12 * (w * (w - 1) / 2);
  EXPECT_NEAR(t[0].item<double>(), expected, 1e-15 * w);
  EXPECT_EQ(t.scalar_type(), torch::kDouble);
}

TEST(MpiAllReduce, Int64BeyondDoublePrecision) {
  const int64_t big = (int64_t(1) << 60) + 1;
  auto t = torch::tensor({big, int64_t(world().rank())}, torch::kLong);
  world().all_reduce_sum(t, "i64");
  int64_t w = world().world_size();
  EXPECT_EQ(t[0].item<int64_t>(), big * w);
  EXPECT_EQ(t[1].item<int64_t>(), w * (w - 1) / 2);
}

TEST(MpiAllReduce, Int32) {
  auto t = torch::tensor({world().rank() + 1, -1}, torch::kInt);
  world().all_reduce_sum(t, "i32");
  EXPECT_EQ(t[0].item<int>(), world_sum_of_rank_plus_one());
  EXPECT_EQ(t[1].item<int>(), -world().world_size());
}

TEST(MpiAllReduce, LargeBufferOfSevenMillionFloats) {
  const int64_t n = 7'000'000;
  auto pattern = torch::arange(n, torch::kLong).remainder(1000).to(torch::kFloat);
  auto t = pattern * float(world().rank() + 1);
  world().all_reduce_sum(t, "grads");
  EXPECT_TRUE(torch::equal(t, pattern * float(world_sum_of_rank_plus_one())));
}

TEST(MpiAllReduce, NonContiguousTensorIsWrittenBack) {
  auto base = torch::full({4, 3}, float(world().rank() + 1));
  auto view = base.t();  // strided
  world().all_reduce_sum(view, "strided");
  EXPECT_TRUE(torch::equal(base, torch::full({4, 3}, float(world_sum_of_rank_plus_one()))));
}

TEST(MpiAllGather, ConcatenatesInRankOrder) {
  int r = world().rank();
  auto t = torch::tensor({{r, r + 10}}, torch::kInt);  // [1, 2]
  auto all = world().all_gather(t, "rows");
  ASSERT_EQ(all.sizes(), (std::vector<int64_t>{world().world_size(), 2}));
  for (int q = 0; q < world().world_size(); ++q) {
    EXPECT_EQ(all[q][0].item<int>(), q);
    EXPECT_EQ(all[q][1].item<int>(), q + 10);
  }
}

TEST(MpiAllGatherv, RowsPerRankMayDiffer) {
  int r = world().rank();
  // rank r contributes r rows (rank 0: none) of [2] filled with r.
  auto t = torch::full({r, 2}, double(r), torch::kDouble);
  auto all = world().all_gatherv(t, "variable");
  int64_t w = world().world_size();
  ASSERT_EQ(all.size(0), w * (w - 1) / 2);
  ASSERT_EQ(all.size(1), 2);
  int64_t row = 0;
  for (int q = 0; q < w; ++q)
    for (int i = 0; i < q; ++i, ++row) EXPECT_EQ(all[row][1].item<double>(), double(q));
}

TEST(MpiAllGatherv, MismatchedRowShapeIsAnErrorOnEveryRank) {
  int r = world().rank();
  auto t = torch::zeros({1, r == 1 ? 3 : 2});
  if (world().world_size() < 2) GTEST_SKIP() << "needs two ranks";
  EXPECT_THROW(world().all_gatherv(t, "mismatch"), std::invalid_argument);
}

TEST(MpiBroadcast, FromAnyRoot) {
  int w = world().world_size();
  for (int root = 0; root < w; ++root) {
    auto t = torch::full({2, 2}, float(world().rank() * 100 + 7));
    world().broadcast(t, root, "weights");
    EXPECT_TRUE(torch::equal(t, torch::full({2, 2}, float(root * 100 + 7))));
  }
  auto t = torch::ones({1});
  EXPECT_THROW(world().broadcast(t, w, "bad_root"), std::invalid_argument);
}

TEST(MpiAgreeAny, IsTheOrOfAllRanks) {
  int last = world().world_size() - 1;
  EXPECT_TRUE(world().agree_any(world().rank() == last, "stop"));
  EXPECT_FALSE(world().agree_any(false, "stop"));
  EXPECT_TRUE(world().agree_any(true, "stop"));
  world().barrier("after_agree");
}

TEST(MpiSparseGather, IdsAndRowsOfEveryRankInRankOrder) {
  const int r = world().rank();
  const int64_t b = 3, d = 4;
  auto ids = (torch::arange(b, torch::kInt) + 10 * r).to(torch::kInt);
  auto grads = torch::arange(b * d, torch::kFloat).view({b, d}) + 100.0f * r;
  GatheredRows rows = all_gather_rows(world(), ids, grads);
  int64_t w = world().world_size();
  ASSERT_EQ(rows.ids.sizes(), (std::vector<int64_t>{w * b}));
  ASSERT_EQ(rows.grads.sizes(), (std::vector<int64_t>{w * b, d}));
  for (int q = 0; q < w; ++q) {
    EXPECT_TRUE(torch::equal(rows.ids.narrow(0, q * b, b), (torch::arange(b, torch::kInt) + 10 * q).to(torch::kInt)));
    EXPECT_TRUE(torch::equal(rows.grads.narrow(0, q * b, b), torch::arange(b * d, torch::kFloat).view({b, d}) + 100.0f * q));
  }
}

TEST(MpiFlatGradients, OneAllReduceSumsEveryParametersGradient) {
  auto w = torch::ones({2, 3}).requires_grad_();
  auto b = torch::zeros({3}).requires_grad_();
  FlatGradients flat({w, b});
  auto x = torch::full({1, 2}, float(world().rank() + 1));
  (torch::matmul(x, w) + b).sum().backward();  // dw = x^T 1, db = 1
  flat.all_reduce_sum(world());
  int64_t s = world_sum_of_rank_plus_one();
  EXPECT_TRUE(torch::equal(w.grad(), torch::full({2, 3}, float(s))));
  EXPECT_TRUE(torch::equal(b.grad(), torch::full({3}, float(world().world_size()))));
}

TEST(MakeCommunicator, CpuWithSeveralRanksIsMpi) {
  auto comm = make_communicator(mpi_test::runtime(), torch::kCPU, 30);
  EXPECT_EQ(comm->backend(), world().world_size() > 1 ? "mpi" : "local");
  EXPECT_EQ(comm->rank(), world().rank());
  auto t = torch::ones({1});
  comm->all_reduce_sum(t, "through_factory");
  EXPECT_EQ(t.item<float>(), float(world().world_size()));
}

}  // namespace
}  // namespace recur::distributed
