// The ARC Prize layout (challenges + solutions files) against the per-task
// folders: the same tasks give the same dataset; a hidden test set (no
// solutions) builds with nothing to score; broken solutions name the file
// and the task; the canvas option; and, on the shared data, ARC-AGI-2
// evaluation read both ways.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "arc_fixtures.h"
#include "datasets/arc_builder.h"
#include "datasets/arc_generator.h"
#include "datasets/arc_task.h"
#include "datasets/puzzle_row_reader.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using nlohmann::json;
using testing::expect_input_error;
using testing::TempDir;
using testing::write_text;

// What the two layouts must agree on: every row, index, identifier and the
// stored test tasks (the builder's own record names the sources, so it differs).
std::string dataset_content(const std::string& path) {
  const PuzzleMetadata meta = read_puzzle_metadata(path);
  std::string out = std::to_string(meta.seq_len) + " " + std::to_string(meta.num_puzzle_identifiers) + "\n";
  for (Split split : {Split::kTrain, Split::kTest}) {
    const SplitIndex index = read_split_index(path, split);
    for (int32_t id : index.puzzle_identifiers) out += std::to_string(id) + ",";
    for (int64_t o : index.puzzle_indices) out += std::to_string(o) + ",";
    for (int64_t o : index.group_indices) out += std::to_string(o) + ",";
    std::vector<int32_t> inputs(index.num_examples() * meta.seq_len), labels(inputs.size());
    PuzzleRowReader(meta, split).read_range(0, index.num_examples(), inputs.data(), labels.data());
    for (int32_t t : inputs) out.push_back(static_cast<char>('A' + t));
    for (int32_t t : labels) out.push_back(static_cast<char>('A' + (t < 0 ? 20 : t)));
  }
  for (const std::string& name : read_identifiers(path)) out += name + "\n";
  return out + read_test_puzzles(path).value_or("");
}

// Three hand-made tasks; "abc-1" sorts before "abc" as a file name
// ("abc-1.json" < "abc.json"), not as an id: the layouts must agree on it.
std::vector<ArcTask> hand_made_tasks() {
  ArcGenerateOptions g;
  g.tasks = 3;
  g.max_size = 6;
  g.test_pairs = 2;
  g.seed = 7;
  std::vector<ArcTask> tasks = generate_arc_tasks(g);
  tasks[0].name = "abc";
  tasks[1].name = "abc-1";
  tasks[2].name = "0f0f0f0f";
  return tasks;
}

struct BothLayouts {
  TempDir dir;
  std::vector<ArcTask> training = hand_made_tasks(), evaluation;
  BothLayouts() {
    ArcGenerateOptions g;
    g.tasks = 2;
    g.seed = 8;
    evaluation = generate_arc_tasks(g);
    for (const auto& [name, tasks] : {std::pair{"training", &training}, std::pair{"evaluation", &evaluation}}) {
      for (const ArcTask& t : *tasks) write_text(dir / (std::string(name) + "/" + t.name + ".json"), arc_task_to_json(t).dump());
      write_text(dir / (std::string("prize/arc-agi_") + name + "_challenges.json"), arc_challenges_json(*tasks).dump());
      write_text(dir / (std::string("prize/arc-agi_") + name + "_solutions.json"), arc_solutions_json(*tasks).dump());
    }
  }
  ArcBuildOptions options(bool prize, const std::string& out) const {
    ArcBuildOptions o;
    const std::string train = prize ? dir / "prize/arc-agi_training_challenges.json" : dir / "training";
    const std::string eval = prize ? dir / "prize/arc-agi_evaluation_challenges.json" : dir / "evaluation";
    o.subsets = {train, eval};
    o.test_set = eval;
    o.out = dir / out;
    o.augment = 6;
    o.threads = 2;
    return o;
  }
};

TEST(ArcChallenges, TheSameTasksGiveTheSameDatasetFromFoldersOrChallengesFiles) {
  BothLayouts f;
  build_arc_dataset(f.options(false, "folders.h5"));
  const ArcBuildReport prize = build_arc_dataset(f.options(true, "prize.h5"));
  EXPECT_EQ(prize.tasks, 5);
  EXPECT_EQ(prize.test.total_groups, 2);
  EXPECT_EQ(dataset_content(f.dir / "folders.h5"), dataset_content(f.dir / "prize.h5"));
  EXPECT_EQ(read_identifiers(f.dir / "prize.h5")[1], "0f0f0f0f");
  EXPECT_EQ(read_identifiers(f.dir / "prize.h5")[1 + 7], "abc-1");  // 7 versions per task
  const json builder = json::parse(read_puzzle_metadata(f.dir / "prize.h5").builder_json);
  EXPECT_EQ(builder["sources"][1]["solutions"], f.dir / "prize/arc-agi_evaluation_solutions.json");
}

// A competition's hidden test set: no solutions file. It builds; the test
// labels are all ignored and the stored test tasks have no outputs.
TEST(ArcChallenges, AHiddenTestSetWithoutSolutionsBuildsWithNothingToScore) {
  BothLayouts f;
  std::filesystem::remove(f.dir / "prize/arc-agi_evaluation_solutions.json");
  const ArcBuildOptions o = f.options(true, "hidden.h5");
  const ArcBuildReport r = build_arc_dataset(o);
  EXPECT_EQ(r.test.total_examples, 2 * 7);
  const PuzzleMetadata meta = read_puzzle_metadata(o.out);
  std::vector<int32_t> inputs(r.test.total_examples * meta.seq_len), labels(inputs.size());
  PuzzleRowReader(meta, Split::kTest).read_range(0, r.test.total_examples, inputs.data(), labels.data());
  EXPECT_TRUE(std::all_of(labels.begin(), labels.end(), [](int32_t t) { return t == kIgnoreLabel; }));
  EXPECT_TRUE(std::any_of(inputs.begin(), inputs.end(), [](int32_t t) { return t >= kArcColourOffset; }));
  const json stored = json::parse(*read_test_puzzles(o.out));
  EXPECT_FALSE(stored.begin().value()["test"][0].contains("output"));
  // A training subset without solutions gives its demonstrations only.
  std::filesystem::remove(f.dir / "prize/arc-agi_training_solutions.json");
  EXPECT_EQ(build_arc_dataset(f.options(true, "hidden2.h5")).train.total_examples, r.train.total_examples - 3 * 2 * 7);
}

TEST(ArcChallenges, BrokenSolutionsNameTheFileAndTheTask) {
  BothLayouts f;
  const std::string solutions = f.dir / "prize/arc-agi_evaluation_solutions.json";
  const json good = arc_solutions_json(f.evaluation);
  const std::string task = f.evaluation[1].name;
  auto build_with = [&](const json& s) {
    write_text(solutions, s.dump());
    build_arc_dataset(f.options(true, "broken.h5"));
  };
  json s = good;
  s.erase(task);
  expect_input_error([&] { build_with(s); }, {solutions, task, "missing"});
  s = good;
  s[task].push_back(s[task][0]);
  expect_input_error([&] { build_with(s); }, {solutions, task, "2 test outputs", "1 test inputs"});
  s = good;
  s[task][0] = json::array({json::array({1, 2}), json::array({3})});
  expect_input_error([&] { build_with(s); }, {solutions, task, "test output 0", "not rectangular"});
  s = good;
  s["deadbeef"] = s[task];
  expect_input_error([&] { build_with(s); }, {solutions, "deadbeef", "not in the challenges file"});
  write_text(solutions, "{not json");
  expect_input_error([&] { build_arc_dataset(f.options(true, "broken.h5")); }, {solutions, "malformed JSON"});
  // A broken challenge names its file and task too.
  json c = arc_challenges_json(f.evaluation);
  c[task]["train"][0]["input"] = json::array({json::array({10})});
  write_text(f.dir / "prize/arc-agi_evaluation_challenges.json", c.dump());
  expect_input_error([&] { build_arc_dataset(f.options(true, "broken.h5")); },
                     {"arc-agi_evaluation_challenges.json", task, "train pair 0 input", "0..9"});
  EXPECT_FALSE(std::filesystem::exists(f.dir / "broken.h5"));
}

TEST(ArcChallenges, TheCanvasOptionSizesTheSequenceAndRefusesGridsThatDoNotFit) {
  BothLayouts f;
  ArcBuildOptions o = f.options(false, "small.h5");
  o.canvas = 10;  // the generated grids are at most 10 x 10
  build_arc_dataset(o);
  EXPECT_EQ(read_puzzle_metadata(o.out).seq_len, 100);
  o.canvas = 5;
  o.out = f.dir / "tiny.h5";
  expect_input_error([&] { build_arc_dataset(o); }, {"larger than the canvas", "--canvas 5"});
  o.canvas = 31;
  expect_input_error([&] { build_arc_dataset(o); }, {"--canvas", "[2, 30]"});
}

// The shared ARC-AGI-2 evaluation folder, rewritten in the ARC Prize layout,
// builds the same dataset (TRM's own copy differs in 6 tasks: docs/datasets.md).
TEST(ArcChallenges, ArcAgi2EvaluationFromBothLayoutsIsTheSame) {
  const std::string folder = recur::testing::shared_data_dir() + "/arc-agi-2/evaluation";
  if (!std::filesystem::is_directory(folder)) GTEST_SKIP() << recur::testing::missing_shared_data(folder);
  TempDir dir;
  const ArcSubset subset = load_arc_subset(folder);
  write_text(dir / "arc-agi_evaluation2_challenges.json", arc_challenges_json(subset.tasks).dump());
  write_text(dir / "arc-agi_evaluation2_solutions.json", arc_solutions_json(subset.tasks).dump());
  ArcBuildOptions o;
  o.augment = 2;
  o.threads = 2;
  for (const std::string& source : {folder, dir / "arc-agi_evaluation2_challenges.json"}) {
    o.subsets = {source};
    o.test_set = source;
    o.out = source == folder ? dir / "folder.h5" : dir / "prize.h5";
    const ArcBuildReport r = build_arc_dataset(o);
    EXPECT_EQ(r.tasks, 120);
    EXPECT_EQ(r.test.total_groups, 120);
  }
  EXPECT_EQ(dataset_content(dir / "folder.h5"), dataset_content(dir / "prize.h5"));
}

}  // namespace
}  // namespace recur::datasets
