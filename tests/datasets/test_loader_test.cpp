// The test loader walks every example in order, pads the last batch, slices
// per rank and restarts on reset(); the prefetcher passes errors on.
#include "datasets/test_loader.h"

#include <gtest/gtest.h>

#include "datasets/prefetcher.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::row_of_inputs;

// 7 groups of one puzzle each, 3 examples per puzzle: 21 examples.
struct TestFile {
  testing::TempDir dir;
  std::string path = dir / "rows.h5";
  TestFile() { testing::write_row_file(path, std::vector<std::vector<int>>(7, std::vector<int>{3})); }
};

TestLoaderOptions test_options(int64_t batch, int rank = 0, int world = 1) {
  TestLoaderOptions o;
  o.global_batch_size = batch;
  o.rank = rank;
  o.world_size = world;
  return o;
}

TEST(TestLoader, WalksAllExamplesInOrderAndPadsTheLastBatch) {
  TestFile f;
  TestLoader loader(f.path, test_options(8));
  EXPECT_EQ(loader.num_batches(), 3);
  int64_t next_row = 0;
  for (int b = 0; b < 3; ++b) {
    const auto batch = loader.next();
    ASSERT_TRUE(batch);
    EXPECT_EQ(batch->rows, 8);
    EXPECT_EQ(batch->global_real_rows, b < 2 ? 8 : 5);
    EXPECT_EQ(batch->real_rows, batch->global_real_rows);
    for (int64_t k = 0; k < batch->real_rows; ++k, ++next_row) {
      EXPECT_EQ(row_of_inputs(&batch->inputs[k * 4]), next_row);
      EXPECT_EQ(batch->puzzle_identifiers[k], next_row / 3 + 1);
    }
    for (int64_t k = batch->real_rows; k < 8; ++k) {  // padding: pad inputs, ignored labels, blank id
      for (int t = 0; t < 4; ++t) {
        EXPECT_EQ(batch->inputs[k * 4 + t], 0);
        EXPECT_EQ(batch->labels[k * 4 + t], kIgnoreLabel);
      }
      EXPECT_EQ(batch->puzzle_identifiers[k], 0);
    }
  }
  EXPECT_EQ(next_row, 21);
  EXPECT_FALSE(loader.next());
  EXPECT_FALSE(loader.next());  // stays at the end until reset
  loader.reset();
  const auto again = loader.next();
  ASSERT_TRUE(again);
  EXPECT_EQ(row_of_inputs(&again->inputs[0]), 0);
}

TEST(TestLoader, RanksSliceEachGlobalBatch) {
  TestFile f;
  TestLoader whole(f.path, test_options(8)), r0(f.path, test_options(8, 0, 2)), r1(f.path, test_options(8, 1, 2));
  for (int b = 0; b < 3; ++b) {
    const auto w = whole.next(), x = r0.next(), y = r1.next();
    ASSERT_TRUE(w && x && y);
    std::vector<int32_t> inputs = x->inputs, labels = x->labels, ids = x->puzzle_identifiers;
    inputs.insert(inputs.end(), y->inputs.begin(), y->inputs.end());
    labels.insert(labels.end(), y->labels.begin(), y->labels.end());
    ids.insert(ids.end(), y->puzzle_identifiers.begin(), y->puzzle_identifiers.end());
    EXPECT_EQ(inputs, w->inputs);
    EXPECT_EQ(labels, w->labels);
    EXPECT_EQ(ids, w->puzzle_identifiers);
    EXPECT_EQ(x->real_rows + y->real_rows, w->global_real_rows);
    EXPECT_EQ(y->global_real_rows, w->global_real_rows);
  }
  // Last batch: 5 real rows, rank 0 holds 4 of them, rank 1 one.
  EXPECT_FALSE(r0.next());
}

TEST(TestLoader, LastRankMayHoldOnlyPadding) {
  TestFile f;
  TestLoader r3(f.path, test_options(16, 3, 4));  // batch 2 holds rows 16..20: rank 3 gets rows 28..31
  ASSERT_TRUE(r3.next());
  const auto last = r3.next();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->real_rows, 0);
  EXPECT_EQ(last->global_real_rows, 5);
}

TEST(Prefetcher, DeliversItemsInOrderThenTheError) {
  int produced = 0;
  Prefetcher<int> p(2, [&](int& item) {
    if (produced == 3) throw std::runtime_error("disk on fire");
    item = produced++;
    return true;
  });
  EXPECT_EQ(p.pop(), 0);
  EXPECT_EQ(p.pop(), 1);
  EXPECT_EQ(p.pop(), 2);
  EXPECT_THROW(p.pop(), std::runtime_error);
}

TEST(Prefetcher, WithoutABackgroundThreadProducesOnPop) {
  int produced = 0;
  Prefetcher<int> p(
      2,
      [&](int& item) {
        if (produced == 2) throw std::runtime_error("disk on fire");
        item = produced++;
        return true;
      },
      /*background=*/false);
  EXPECT_EQ(produced, 0);  // nothing runs ahead
  EXPECT_EQ(p.pop(), 0);
  EXPECT_EQ(produced, 1);
  EXPECT_EQ(p.pop(), 1);
  EXPECT_THROW(p.pop(), std::runtime_error);
}

TEST(Prefetcher, StopsCleanlyWhileProducing) {
  // The destructor must not hang when the queue is full and nobody pops.
  Prefetcher<int> p(1, [](int& item) {
    item = 1;
    return true;
  });
  EXPECT_EQ(p.pop(), 1);
}

}  // namespace
}  // namespace recur::datasets
