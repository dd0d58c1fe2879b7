// The train loader: the reference sampling rules, determinism, rank slicing
// that covers the global batch exactly, resume from a cursor, and errors.
#include "datasets/train_loader.h"

#include <gtest/gtest.h>

#include <set>

#include "datasets/train_sampler.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::row_of_inputs;

// 10 groups; group g has g % 3 + 1 puzzles of 1..4 examples each.
std::vector<std::vector<int>> layout() {
  std::vector<std::vector<int>> groups;
  for (int g = 0; g < 10; ++g) {
    std::vector<int> puzzles;
    for (int p = 0; p <= g % 3; ++p) puzzles.push_back(1 + (g + p) % 4);
    groups.push_back(puzzles);
  }
  return groups;
}

struct RowFile {
  testing::TempDir dir;
  std::string path = dir / "rows.h5";
  RowFile() { testing::write_row_file(path, layout()); }
};

TrainLoaderOptions train_options(int64_t batch, int rank = 0, int world = 1, uint64_t seed = 3) {
  TrainLoaderOptions o;
  o.seed = seed;
  o.global_batch_size = batch;
  o.rank = rank;
  o.world_size = world;
  o.epochs_per_iteration = 3;
  return o;
}

// The example rows of a batch (decoded from the tokens).
std::vector<int64_t> rows_of(const Batch& b) {
  std::vector<int64_t> rows;
  for (int64_t k = 0; k < b.rows; ++k) rows.push_back(row_of_inputs(&b.inputs[k * b.seq_len]));
  return rows;
}

// The next `n` items (nullopt marks an iteration end) as row lists.
std::vector<std::vector<int64_t>> take(TrainLoader& loader, int n) {
  std::vector<std::vector<int64_t>> out;
  for (int i = 0; i < n; ++i) {
    const auto b = loader.next();
    out.push_back(b ? rows_of(*b) : std::vector<int64_t>{});
  }
  return out;
}

TEST(TrainSampler, FollowsTheReferenceSamplingRules) {
  RowFile f;
  const SplitIndex index = read_split_index(f.path, Split::kTrain);
  TrainSampler sampler(index, 5, 8, 3);
  LoaderCursor cursor{0, 0, 0, sampler.fingerprint()};
  std::vector<int64_t> segment_groups;  // one entry per visited position
  int batches = 0;
  while (auto plan = sampler.next(cursor)) {
    ++batches;
    ASSERT_EQ(plan->rows.size(), 8u);
    size_t k = 0;
    while (k < 8) {  // one segment per group visit: one puzzle, distinct rows of it
      const int64_t puzzle = plan->puzzles[k];
      const int64_t size = index.puzzle_indices[puzzle + 1] - index.puzzle_indices[puzzle];
      std::set<int64_t> rows;
      for (; k < 8 && plan->puzzles[k] == puzzle && int64_t(rows.size()) < size; ++k) {
        EXPECT_GE(plan->rows[k], index.puzzle_indices[puzzle]);
        EXPECT_LT(plan->rows[k], index.puzzle_indices[puzzle + 1]);
        EXPECT_TRUE(rows.insert(plan->rows[k]).second) << "a row twice in one visit";
      }
      if (k < 8) EXPECT_EQ(int64_t(rows.size()), size) << "only the batch's last puzzle is cut";
      const int64_t group = std::upper_bound(index.group_indices.begin(), index.group_indices.end(), puzzle) -
                            index.group_indices.begin() - 1;
      segment_groups.push_back(group);
    }
  }
  EXPECT_EQ(cursor.iteration, 1);  // the end moved the cursor to the next iteration
  EXPECT_EQ(cursor.position, 0);
  // Examples per epoch: the mean group visit gives ~2.5 examples, so 3 epochs
  // of 10 groups fill a few batches of 8 and drop the rest.
  EXPECT_GE(batches, 6);
  // Positions come in epochs: each block of 10 visits is a permutation of the groups.
  for (size_t e = 0; e * 10 < segment_groups.size(); ++e) {
    std::set<int64_t> groups(segment_groups.begin() + e * 10,
                             segment_groups.begin() + std::min(segment_groups.size(), e * 10 + 10));
    EXPECT_EQ(groups.size(), std::min<size_t>(10, segment_groups.size() - e * 10));
  }
}

TEST(TrainLoader, DeterministicAndSeedSensitive) {
  RowFile f;
  TrainLoader a(f.path, train_options(8)), b(f.path, train_options(8)), c(f.path, train_options(8, 0, 1, 4));
  const auto ta = take(a, 30), tb = take(b, 30), tc = take(c, 30);
  EXPECT_EQ(ta, tb);
  EXPECT_NE(ta, tc);
}

TEST(TrainLoader, BatchesCarryTokensLabelsAndIdentifiers) {
  RowFile f;
  const SplitIndex index = read_split_index(f.path, Split::kTrain);
  TrainLoader loader(f.path, train_options(8));
  const auto b = loader.next();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rows, 8);
  EXPECT_EQ(b->real_rows, 8);
  EXPECT_EQ(b->global_real_rows, 8);
  for (int64_t k = 0; k < 8; ++k) {
    const int32_t* in = &b->inputs[k * 4];
    const int32_t* lab = &b->labels[k * 4];
    const int64_t row = row_of_inputs(in);
    EXPECT_EQ(lab[0], kIgnoreLabel);  // stored 0 = ignore_label_id
    EXPECT_EQ(lab[1], in[0]);
    EXPECT_EQ(lab[3], 5);
    const int64_t puzzle = std::upper_bound(index.puzzle_indices.begin(), index.puzzle_indices.end(), row) -
                           index.puzzle_indices.begin() - 1;
    EXPECT_EQ(b->puzzle_identifiers[k], puzzle + 1);
  }
}

TEST(TrainLoader, TwoRanksCoverExactlyTheGlobalBatch) {
  RowFile f;
  TrainLoader whole(f.path, train_options(8)), r0(f.path, train_options(8, 0, 2)), r1(f.path, train_options(8, 1, 2));
  EXPECT_EQ(r0.local_batch_size(), 4);
  for (int i = 0; i < 25; ++i) {
    const auto w = whole.next(), a = r0.next(), b = r1.next();
    ASSERT_EQ(bool(w), bool(a));
    ASSERT_EQ(bool(w), bool(b));
    if (!w) continue;
    std::vector<int32_t> inputs = a->inputs, labels = a->labels, ids = a->puzzle_identifiers;
    inputs.insert(inputs.end(), b->inputs.begin(), b->inputs.end());
    labels.insert(labels.end(), b->labels.begin(), b->labels.end());
    ids.insert(ids.end(), b->puzzle_identifiers.begin(), b->puzzle_identifiers.end());
    EXPECT_EQ(inputs, w->inputs);
    EXPECT_EQ(labels, w->labels);
    EXPECT_EQ(ids, w->puzzle_identifiers);
    EXPECT_EQ(a->global_real_rows, 8);
  }
}

TEST(TrainLoader, IterationsEndWithOneNulloptThenContinue) {
  RowFile f;
  TrainSampler sampler(read_split_index(f.path, Split::kTrain), 3, 8, 3);
  LoaderCursor c{0, 0, 0, sampler.fingerprint()};
  int per_iteration = 0;
  while (sampler.next(c)) ++per_iteration;
  TrainLoader loader(f.path, train_options(8));
  for (int i = 0; i < per_iteration; ++i) ASSERT_TRUE(loader.next());
  EXPECT_EQ(loader.cursor().batches, per_iteration);
  EXPECT_FALSE(loader.next());
  EXPECT_EQ(loader.cursor().iteration, 1);
  EXPECT_EQ(loader.cursor().batches, 0);
  EXPECT_TRUE(loader.next());  // the next iteration
}

TEST(TrainLoader, RestoringACursorContinuesWithTheSameBatches) {
  RowFile f;
  TrainLoader a(f.path, train_options(8));
  take(a, 5);
  const LoaderCursor saved = a.cursor();
  const auto expected = take(a, 20);  // crosses an iteration end

  const LoaderCursor copy = LoaderCursor::from_array(saved.to_array());
  EXPECT_EQ(copy, saved);
  TrainLoader b(f.path, train_options(8));
  b.restore(copy);
  EXPECT_EQ(take(b, 20), expected);
  a.restore(saved);  // rewinding a running loader works too
  EXPECT_EQ(take(a, 20), expected);
  // A different world size resumes the same global batches.
  TrainLoader r1(f.path, train_options(8, 1, 2));
  r1.restore(saved);
  const auto half = take(r1, 20);
  for (size_t i = 0; i < half.size(); ++i) {
    EXPECT_EQ(half[i],
              expected[i].empty() ? expected[i] : std::vector<int64_t>(expected[i].begin() + 4, expected[i].end()));
  }
}

TEST(TrainLoader, RejectsForeignCursorsAndBadOptions) {
  RowFile f;
  TrainLoader a(f.path, train_options(8));
  TrainLoader other_seed(f.path, train_options(8, 0, 1, 9));
  testing::expect_input_error([&] { other_seed.restore(a.cursor()); }, {"loader cursor", "other sampling settings"});
  testing::expect_input_error([&] { TrainLoader(f.path, train_options(9, 0, 2)); }, {"global_batch_size", "multiple"});
  testing::expect_input_error([&] { TrainLoader(f.path, train_options(8, 2, 2)); }, {"rank", "outside"});
  testing::expect_input_error([&] { TrainLoader(f.dir / "missing.h5", train_options(8)); }, {"missing.h5", "cannot open"});
}

}  // namespace
}  // namespace recur::datasets
