// Building ARC-AGI-1 from the shared public data (training + evaluation +
// ConceptARC, test set = evaluation) gives the reference's 960 groups, and
// every stored augmented pair inverts to its original pair. A small
// --augment keeps the test quick; the layout does not depend on it.
#include <gtest/gtest.h>

#include "arc_fixtures.h"
#include "datasets/arc_builder.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

TEST(ArcAgi1, BuildsNineHundredSixtyGroupsThatInvert) {
  const std::string data = testing::shared_data_dir();
  if (!std::filesystem::exists(data + "/arc-agi-1/training")) GTEST_SKIP() << testing::missing_shared_data(data + "/arc-agi-1/training");
  testing::TempDir dir;
  ArcBuildOptions o;
  o.subsets = {data + "/arc-agi-1/training", data + "/arc-agi-1/evaluation", data + "/concept-arc"};
  o.test_set = data + "/arc-agi-1/evaluation";
  o.out = dir / "arc1.h5";
  o.augment = 8;
  o.threads = 2;
  const ArcBuildReport r = build_arc_dataset(o);
  EXPECT_EQ(r.tasks, 960);
  EXPECT_EQ(r.train.total_groups, 960);
  EXPECT_EQ(r.test.total_groups, 400);
  // Pairs per version (data/README.md): training 1302 + 416, evaluation 1363
  // demonstrations, ConceptARC 427 + 480 in train; evaluation's 419 tests in test.
  EXPECT_EQ(r.train.total_puzzles, r.num_puzzle_identifiers - 1);  // every version is a train puzzle
  EXPECT_LE(r.train.total_puzzles, 960 * 9);
  EXPECT_GT(r.train.total_puzzles, 960 * 8);  // few tasks have fewer than 8 distinct versions
  const auto check = testing::check_arc_file_inverts(o.out, o.subsets, o.test_set);
  EXPECT_EQ(check.rows_checked, r.train.total_examples + r.test.total_examples);
  const SplitIndex train = read_split_index(o.out, Split::kTrain);
  int64_t original_examples = 0;
  for (int64_t g = 0; g < train.num_groups(); ++g) {
    const int64_t p = train.group_indices[g];  // the original is each group's first puzzle
    original_examples += train.puzzle_indices[p + 1] - train.puzzle_indices[p];
  }
  EXPECT_EQ(original_examples, 1302 + 416 + 1363 + 427 + 480);
  const SplitIndex test = read_split_index(o.out, Split::kTest);
  int64_t original_tests = 0;
  for (int64_t g = 0; g < test.num_groups(); ++g) {
    const int64_t p = test.group_indices[g];
    original_tests += test.puzzle_indices[p + 1] - test.puzzle_indices[p];
  }
  EXPECT_EQ(original_tests, 419);
}

}  // namespace
}  // namespace recur::datasets
