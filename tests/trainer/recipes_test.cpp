// The shipped recipes (recipes/*.yaml) say what they promise: each resolves with
// no unknown key (load_config rejects those), builds a model whose parameter
// count is the figure of its `# params: N (dataset)` line, names a `recur data`
// command whose options exist and whose --out is the recipe's data file, and,
// for the published experiments, states the result and the GPUs and time.
// (Loading and printing round trips are in config_loader_test.cpp.)
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>

#include "common/libtorch.h"
#include "models_test_support.h"
#include "recur_process.h"
#include "trainer/config/config_loader.h"
#include "trainer/models/factory.h"

namespace recur::trainer {
namespace {

// The vocabulary and grid length of each dataset kind (spec trm.md 6, hrm.md 7).
struct DatasetShape {
  int64_t vocab_size;
  int64_t seq_len;
};
const std::map<std::string, DatasetShape> kDatasetShapes = {
    {"arc", {12, 900}}, {"sudoku", {11, 81}}, {"maze", {6, 900}}};

std::vector<std::filesystem::path> shipped_recipes() {
  std::vector<std::filesystem::path> recipes;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(RECUR_SOURCE_DIR) + "/recipes")) {
    if (entry.path().extension() == ".yaml") recipes.push_back(entry.path());
  }
  std::sort(recipes.begin(), recipes.end());
  return recipes;
}

std::vector<std::string> comment_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) == 0) lines.push_back(line);
  }
  return lines;
}

bool has_line_starting(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

// The last `recur data ...` command of the comments (the one that builds the
// recipe's file; earlier ones may generate its sources), continuation lines
// joined, as words.
std::vector<std::string> data_command(const std::vector<std::string>& lines) {
  std::string text;
  bool in_command = false;
  for (const std::string& line : lines) {
    if (!in_command && line.find("recur data ") == std::string::npos) continue;
    const std::string body = line.substr(1);
    if (!in_command) text.clear();
    text += in_command ? body : body.substr(body.find("recur data "));
    in_command = !text.empty() && text.back() == '\\';
    if (in_command) text.pop_back();
  }
  std::istringstream words(text);
  return {std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
}

TEST(Recipes, EveryRecipeMatchesItsPublishedParameterCount) {
  torch::set_num_threads(2);
  const std::regex params_line(R"(^# params: ([0-9,]+) \((\w+)\)$)");
  int checked = 0;
  for (const auto& recipe : shipped_recipes()) {
    SCOPED_TRACE(recipe.string());
    const Config config = load_config(recipe.string(), {});
    std::smatch m;
    std::string count_text, dataset;
    for (const std::string& line : comment_lines(recipe)) {
      if (std::regex_match(line, m, params_line)) count_text = m[1], dataset = m[2];
    }
    ASSERT_FALSE(count_text.empty()) << "no `# params: N (arc|sudoku|maze)` line";
    ASSERT_TRUE(kDatasetShapes.count(dataset)) << "unknown dataset kind " << dataset;
    count_text.erase(std::remove(count_text.begin(), count_text.end(), ','), count_text.end());
    const DatasetShape shape = kDatasetShapes.at(dataset);
    ArchConfig arch = config.arch;
    arch.forward_dtype = "float32";
    const auto model =
        make_model(arch, {shape.vocab_size, shape.seq_len, /*num_puzzle_identifiers=*/3}, torch::kCPU, 0);
    EXPECT_EQ(recur::testing::parameter_count(*model), std::stoll(count_text));
    ++checked;
  }
  EXPECT_GE(checked, 9);  // the 9 published experiments at least
}

TEST(Recipes, EveryRecipeNamesItsDataCommandAndThePapersFigures) {
  for (const auto& recipe : shipped_recipes()) {
    SCOPED_TRACE(recipe.string());
    const Config config = load_config(recipe.string(), {});
    const std::vector<std::string> lines = comment_lines(recipe);
    const std::vector<std::string> command = data_command(lines);
    ASSERT_GE(command.size(), 3u) << "no `recur data KIND ...` command in the comments";
    const auto out = std::find(command.begin(), command.end(), "--out");
    ASSERT_TRUE(out != command.end() && out + 1 != command.end()) << "the data command has no --out";
    ASSERT_EQ(config.data_paths.size(), 1u);
    EXPECT_EQ(*(out + 1), config.data_paths[0]) << "the data command builds another file than data_paths";
    // Every option of the command exists (the help lists it).
    const recur::testing::ProcessResult help = recur::testing::run_recur("data " + command[2] + " --help");
    ASSERT_EQ(help.exit_code, 0) << help.err;
    for (const std::string& word : command) {
      if (word.rfind("--", 0) == 0) EXPECT_NE(help.out.find(word), std::string::npos) << "unknown option " << word;
    }
    if (recipe.filename().string().rfind("quick-", 0) == 0) continue;  // CPU smoke runs: no paper
    EXPECT_TRUE(has_line_starting(lines, "# Published: ")) << "no `# Published:` line";
    EXPECT_TRUE(has_line_starting(lines, "# GPUs and time")) << "no `# GPUs and time` line";
    EXPECT_TRUE(has_line_starting(lines, "# Paper vs code")) << "no `# Paper vs code` paragraph";
  }
}

}  // namespace
}  // namespace recur::trainer
