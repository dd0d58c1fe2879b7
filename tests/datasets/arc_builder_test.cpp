// The ARC builder on small fixture folders: the split rule, identifiers,
// translation, inversion of every stored pair, determinism across thread
// counts, and failures that leave no file behind.
#include "datasets/arc_builder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "arc_fixtures.h"
#include "datasets/rng.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using nlohmann::json;
using testing::expect_input_error;
using testing::TempDir;
using testing::write_text;

json random_grid(Rng& rng) {
  const int rows = 1 + int(rng.uniform(8)), cols = 1 + int(rng.uniform(8));
  json g = json::array();
  for (int r = 0; r < rows; ++r) {
    json row = json::array();
    for (int c = 0; c < cols; ++c) row.push_back(rng.uniform(10));
    g.push_back(row);
  }
  return g;
}

void write_task(const std::string& path, int train_pairs, int test_pairs, uint64_t seed) {
  Rng rng({seed});
  json task = {{"train", json::array()}, {"test", json::array()}};
  for (int i = 0; i < train_pairs; ++i)
    task["train"].push_back({{"input", random_grid(rng)}, {"output", random_grid(rng)}});
  for (int i = 0; i < test_pairs; ++i)
    task["test"].push_back({{"input", random_grid(rng)}, {"output", random_grid(rng)}});
  write_text(path, task.dump());
}

// training: 3 tasks, evaluation: 2 tasks (the test set), concept: 1 nested task.
struct ArcFixture {
  TempDir dir;
  ArcBuildOptions options;
  ArcFixture() {
    write_task(dir / "training/t1.json", 2, 1, 1);
    write_task(dir / "training/t2.json", 3, 1, 2);
    write_task(dir / "training/t3.json", 1, 2, 3);
    write_task(dir / "evaluation/e1.json", 2, 1, 4);
    write_task(dir / "evaluation/e2.json", 3, 2, 5);
    write_task(dir / "concept/Copy/Copy1.json", 2, 3, 6);
    options.subsets = {dir / "training", dir / "evaluation", dir / "concept"};
    options.test_set = dir / "evaluation";
    options.out = dir / "out/arc.h5";
    options.augment = 5;
    options.threads = 2;
  }
};

TEST(ArcBuilder, SplitRuleAndCounts) {
  ArcFixture f;
  const ArcBuildReport r = build_arc_dataset(f.options);
  EXPECT_EQ(r.tasks, 6);
  EXPECT_EQ(r.test_tasks, 2);
  EXPECT_EQ(r.train.total_groups, 6);
  EXPECT_EQ(r.test.total_groups, 2);
  EXPECT_TRUE(r.not_full.empty());
  EXPECT_EQ(r.num_puzzle_identifiers, 1 + 6 * 6);
  // train: all pairs of training and concept tasks, only demonstrations of the test set.
  const int64_t train_pairs = (3 + 4 + 3) + (2 + 3) + 5;
  EXPECT_EQ(r.train.total_examples, 6 * train_pairs);
  EXPECT_EQ(r.test.total_examples, 6 * (1 + 2));

  const PuzzleMetadata meta = read_puzzle_metadata(f.options.out);
  EXPECT_EQ(meta.vocab_size, 12);
  EXPECT_EQ(meta.seq_len, 900);
  EXPECT_EQ(meta.train.total_puzzles, 36);
  EXPECT_EQ(meta.test.total_puzzles, 12);
  const auto names = read_identifiers(f.options.out);
  EXPECT_EQ(names[0], "<blank>");
  EXPECT_EQ(names[1], "t1");  // training first, tasks by name, original first
  EXPECT_EQ(parse_augmented_name(names[2]).task, "t1");
  EXPECT_FALSE(parse_augmented_name(names[2]).aug.is_identity());
  // Test puzzles use the identifiers of the same versions in train.
  const SplitIndex train = read_split_index(f.options.out, Split::kTrain);
  const SplitIndex test = read_split_index(f.options.out, Split::kTest);
  std::vector<int32_t> e_train(train.puzzle_identifiers.begin() + 18, train.puzzle_identifiers.begin() + 30);
  EXPECT_EQ(test.puzzle_identifiers, e_train);  // e1, e2 are groups 3 and 4 of train
  EXPECT_EQ(names[test.puzzle_identifiers[0]], "e1");
  // The original test tasks, with solutions, for scoring.
  const json stored = json::parse(*read_test_puzzles(f.options.out));
  EXPECT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored["e2"]["test"].size(), 2u);
  EXPECT_TRUE(stored["e2"]["test"][1].contains("output"));
  const json builder = json::parse(meta.builder_json);
  EXPECT_EQ(builder["arguments"]["augment"], 5);
  EXPECT_EQ(builder["sources"].size(), 3u);
}

TEST(ArcBuilder, EveryStoredPairInvertsToItsOriginal) {
  ArcFixture f;
  f.options.augment = 20;
  build_arc_dataset(f.options);
  const auto check = testing::check_arc_file_inverts(f.options.out, f.options.subsets, f.options.test_set);
  EXPECT_EQ(check.rows_checked, 21 * (20 + 3));
  EXPECT_GT(check.translated_rows, 100);  // translation happens in train
}

TEST(ArcBuilder, ByteIdenticalForAnyThreadCountAndSeedSensitive) {
  ArcFixture f;
  f.options.threads = 1;
  f.options.out = f.dir / "one.h5";
  build_arc_dataset(f.options);
  f.options.threads = 2;
  f.options.out = f.dir / "two.h5";
  build_arc_dataset(f.options);
  EXPECT_EQ(testing::read_bytes(f.dir / "one.h5"), testing::read_bytes(f.dir / "two.h5"));
  f.options.seed = 43;
  f.options.out = f.dir / "seed43.h5";
  build_arc_dataset(f.options);
  EXPECT_NE(testing::read_bytes(f.dir / "one.h5"), testing::read_bytes(f.dir / "seed43.h5"));
}

TEST(ArcBuilder, FailuresLeaveNoFileBehind) {
  ArcFixture f;
  write_text(f.dir / "concept/Copy/Copy2.json", R"({"train": [{"input": [[1]], "output": [[12]]}], "test": []})");
  expect_input_error([&] { build_arc_dataset(f.options); }, {"Copy2.json", "0..9"});
  EXPECT_FALSE(std::filesystem::exists(f.dir / "out"));  // nothing was created
  std::filesystem::remove(f.dir / "concept/Copy/Copy2.json");

  ArcBuildOptions o = f.options;
  o.test_set = f.dir / "elsewhere";
  expect_input_error([&] { build_arc_dataset(o); }, {"--test-set", "--subsets"});
  o = f.options;
  o.subsets.push_back(f.dir / "missing");
  expect_input_error([&] { build_arc_dataset(o); }, {"missing", "no such folder"});
  o = f.options;
  write_task(f.dir / "again/t1.json", 1, 1, 9);
  o.subsets.push_back(f.dir / "again");
  expect_input_error([&] { build_arc_dataset(o); }, {"t1", "unique"});

  // A write that fails midway (the destination is a folder) leaves nothing either.
  std::filesystem::create_directories(f.dir / "out/arc.h5");
  EXPECT_ANY_THROW(build_arc_dataset(f.options));
  EXPECT_EQ(testing::files_in(f.dir / "out"), std::vector<std::string>{"arc.h5"});
  EXPECT_TRUE(std::filesystem::is_directory(f.dir / "out/arc.h5"));
}

}  // namespace
}  // namespace recur::datasets
