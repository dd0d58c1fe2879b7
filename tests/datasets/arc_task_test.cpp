// Reading ARC task folders, and every bad-input error naming file and pair.
#include "datasets/arc_task.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::expect_input_error;
using testing::TempDir;
using testing::write_text;

const char* kGoodTask = R"({"train": [{"input": [[1, 2], [3, 4]], "output": [[4]]}],
                            "test": [{"input": [[0]], "output": [[5, 6, 7]]}], "name": "ignored"})";

TEST(ArcTask, ParsesPairsAndIgnoresUnknownKeys) {
  const ArcTask t = parse_arc_task(kGoodTask, "t1", "t1.json");
  ASSERT_EQ(t.train.size(), 1u);
  ASSERT_EQ(t.test.size(), 1u);
  EXPECT_EQ(t.train[0].input, (Grid{2, 2, {1, 2, 3, 4}}));
  EXPECT_EQ(t.test[0].output, (Grid{1, 3, {5, 6, 7}}));
}

TEST(ArcTask, BadInputErrorsNameTheFileAndThePair) {
  auto parse = [](const std::string& text) { return [text] { parse_arc_task(text, "bad", "dir/bad.json"); }; };
  expect_input_error(parse(R"({"train": [)"), {"dir/bad.json", "malformed JSON"});
  expect_input_error(parse(R"({"train": [{"input": [[1, 2], [3]], "output": [[1]]}], "test": []})"),
                     {"dir/bad.json", "train pair 0 input", "not rectangular"});
  expect_input_error(parse(R"({"train": [{"input": [[1]], "output": [[10]]}], "test": []})"),
                     {"dir/bad.json", "train pair 0 output", "0..9"});
  expect_input_error(parse(R"({"train": [{"input": [[-1]], "output": [[1]]}], "test": []})"), {"0..9"});
  expect_input_error(parse(R"({"train": [{"input": [[1.5]], "output": [[1]]}], "test": []})"), {"0..9"});
  std::string big = "[";
  for (int r = 0; r < 31; ++r) big += std::string(r ? "," : "") + "[1]";
  big += "]";
  expect_input_error(
      parse(R"({"train": [{"input": )" + big + R"(, "output": [[1]]}], "test": [{"input": [[1]], "output": [[1]]}]})"),
      {"dir/bad.json", "31x1", "30x30"});
  expect_input_error(parse(R"({"train": [{"input": [[1]], "output": [[1]]}], "test": [{"input": [[1]]}]})"),
                     {"dir/bad.json", "test pair 0", "no \"output\""});
  expect_input_error(parse(R"({"test": [{"input": [[1]], "output": [[1]]}]})"), {"dir/bad.json", "\"train\""});
  expect_input_error(
      parse(R"({"train": [{"input": [], "output": [[1]]}], "test": [{"input": [[1]], "output": [[1]]}]})"),
      {"train pair 0 input", "non-empty"});
  expect_input_error(parse("[1, 2]"), {"dir/bad.json", "JSON object"});
}

TEST(ArcTask, LoadsFlatAndNestedFoldersSortedByPath) {
  TempDir dir;
  write_text(dir / "flat/b.json", kGoodTask);
  write_text(dir / "flat/a.json", kGoodTask);
  write_text(dir / "flat/notes.txt", "not a task");
  write_text(dir / "nested/Copy/Copy2.json", kGoodTask);
  write_text(dir / "nested/Copy/Copy1.json", kGoodTask);
  write_text(dir / "nested/Count/Count1.json", kGoodTask);
  const ArcSubset flat = load_arc_subset(dir / "flat");
  ASSERT_EQ(flat.tasks.size(), 2u);
  EXPECT_EQ(flat.tasks[0].name, "a");
  EXPECT_EQ(flat.tasks[1].name, "b");
  const ArcSubset nested = load_arc_subset(dir / "nested");
  ASSERT_EQ(nested.tasks.size(), 3u);
  EXPECT_EQ(nested.tasks[0].name, "Copy1");
  EXPECT_EQ(nested.tasks[2].name, "Count1");
  EXPECT_EQ(nested.sha256.size(), 64u);
  // The digest follows the content.
  write_text(dir / "nested/Count/Count1.json", std::string(kGoodTask) + " ");
  EXPECT_NE(load_arc_subset(dir / "nested").sha256, nested.sha256);
}

TEST(ArcTask, MissingEmptyAndDuplicateFoldersAreErrors) {
  TempDir dir;
  expect_input_error([&] { load_arc_subset(dir / "nope"); }, {"nope", "no such folder"});
  std::filesystem::create_directories(dir / "empty/sub");
  expect_input_error([&] { load_arc_subset(dir / "empty"); }, {"empty", "no .json task files"});
  write_text(dir / "dup/A/x.json", kGoodTask);
  write_text(dir / "dup/B/x.json", kGoodTask);
  expect_input_error([&] { load_arc_subset(dir / "dup"); }, {"x.json", "also used by"});
  write_text(dir / "bad/ok.json", kGoodTask);
  write_text(dir / "bad/zz.json", "{");
  expect_input_error([&] { load_arc_subset(dir / "bad"); }, {"zz.json", "malformed JSON"});
}

TEST(ArcTask, ToJsonRoundTrips) {
  const ArcTask t = parse_arc_task(kGoodTask, "t1", "t1.json");
  const ArcTask back = parse_arc_task(arc_task_to_json(t).dump(), "t1", "t1.json");
  EXPECT_EQ(back.train[0].input, t.train[0].input);
  EXPECT_EQ(back.test[0].output, t.test[0].output);
}

}  // namespace
}  // namespace recur::datasets
