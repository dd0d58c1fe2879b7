// The synthetic task generator: each family's pairs follow one rule of that
// family (checked against an independent oracle), every pair changes, all
// inputs of a task hold the same colours, grid sizes stay in range, and the
// same seed gives the same tasks.
#include "datasets/arc_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "datasets/dihedral.h"
#include "fixtures.h"

namespace recur::datasets {
namespace {

using testing::expect_input_error;

std::string family_of(const ArcTask& t) { return t.name.substr(0, t.name.find('-')); }

// The colours of a grid other than black.
std::set<uint8_t> colours_of(const Grid& g) {
  std::set<uint8_t> colours(g.cells.begin(), g.cells.end());
  colours.erase(0);
  return colours;
}

std::vector<const ArcPair*> all_pairs(const ArcTask& t) {
  std::vector<const ArcPair*> pairs;
  for (const auto* list : {&t.train, &t.test})
    for (const ArcPair& p : *list) pairs.push_back(&p);
  return pairs;
}

// Does one rule of the task's family explain every pair?
bool dihedral_explains(const ArcTask& t) {
  for (int k = 1; k < kNumDihedral; ++k) {
    bool all = true;
    for (const ArcPair* p : all_pairs(t)) all = all && dihedral_transform(p->input, k) == p->output;
    if (all) return true;
  }
  return false;
}

bool colour_map_explains(const ArcTask& t) {
  int map[10];
  std::fill(map, map + 10, -1);
  map[0] = 0;
  for (const ArcPair* p : all_pairs(t)) {
    if (p->input.rows != p->output.rows || p->input.cols != p->output.cols) return false;
    for (size_t i = 0; i < p->input.cells.size(); ++i) {
      int& m = map[p->input.cells[i]];
      if (m >= 0 && m != p->output.cells[i]) return false;
      m = p->output.cells[i];
    }
  }
  std::set<int> images;
  for (int m : map) {
    if (m >= 0 && !images.insert(m).second) return false;  // a permutation: no two colours meet
  }
  return true;
}

bool translation_explains(const ArcTask& t) {
  for (int dr = -2; dr <= 2; ++dr) {
    for (int dc = -2; dc <= 2; ++dc) {
      bool all = dr != 0 || dc != 0;
      for (const ArcPair* p : all_pairs(t)) {
        const Grid& in = p->input;
        for (int r = 0; all && r < in.rows; ++r)
          for (int c = 0; all && c < in.cols; ++c) {
            const bool inside = r - dr >= 0 && r - dr < in.rows && c - dc >= 0 && c - dc < in.cols;
            all = p->output.at(r, c) == (inside ? in.at(r - dr, c - dc) : 0);
          }
      }
      if (all) return true;
    }
  }
  return false;
}

// Gravity: rotate so that the fall is "down", then each column's colours
// keep their order and sit at the bottom.
bool gravity_explains(const ArcTask& t) {
  for (int k : {0, 2, 1, 3}) {  // down, up (rot180), and the two sideways rotations
    bool all = true;
    for (const ArcPair* p : all_pairs(t)) {
      const Grid in = dihedral_transform(p->input, k), out = dihedral_transform(p->output, k);
      for (int c = 0; all && c < in.cols; ++c) {
        std::vector<uint8_t> colours;
        for (int r = 0; r < in.rows; ++r)
          if (in.at(r, c)) colours.push_back(in.at(r, c));
        for (int r = 0; all && r < in.rows; ++r) {
          const int from_bottom = in.rows - 1 - r;
          const int idx = static_cast<int>(colours.size()) - 1 - from_bottom;
          all = out.at(r, c) == (idx >= 0 ? colours[idx] : 0);
        }
      }
    }
    if (all) return true;
  }
  return false;
}

TEST(ArcGenerator, EveryTaskFollowsOneRuleOfItsFamily) {
  ArcGenerateOptions o;
  o.tasks = 80;
  o.seed = 3;
  const std::vector<ArcTask> tasks = generate_arc_tasks(o);
  ASSERT_EQ(tasks.size(), 80u);
  std::map<std::string, int> per_family;
  std::set<std::string> ids;
  for (const ArcTask& t : tasks) {
    SCOPED_TRACE(t.name);
    EXPECT_TRUE(ids.insert(t.name).second);
    EXPECT_EQ(t.train.size(), 3u);
    EXPECT_EQ(t.test.size(), 1u);
    const std::string family = family_of(t);
    per_family[family] += 1;
    // One palette per task: every input shows all of the task's colours.
    const std::set<uint8_t> palette = colours_of(t.train.front().input);
    EXPECT_GE(palette.size(), 2u);
    EXPECT_LE(palette.size(), 4u);
    for (const ArcPair* p : all_pairs(t)) {
      EXPECT_EQ(colours_of(p->input), palette);
      EXPECT_FALSE(p->input == p->output);
      EXPECT_GE(std::min(p->input.rows, p->input.cols), 3);
      EXPECT_LE(std::max(p->input.rows, p->input.cols), 10);
    }
    if (family == "dihedral") EXPECT_TRUE(dihedral_explains(t));
    if (family == "colours") EXPECT_TRUE(colour_map_explains(t));
    if (family == "translate") EXPECT_TRUE(translation_explains(t));
    if (family == "gravity") EXPECT_TRUE(gravity_explains(t));
  }
  EXPECT_EQ(per_family, (std::map<std::string, int>{{"colours", 20}, {"dihedral", 20}, {"gravity", 20}, {"translate", 20}}));
}

TEST(ArcGenerator, TheSeedDecidesTheTasksAndOptionsAreChecked) {
  ArcGenerateOptions o;
  o.tasks = 6;
  o.families = {"colours", "gravity"};
  o.max_size = 5;
  o.train_pairs = 2;
  o.test_pairs = 2;
  const std::vector<ArcTask> a = generate_arc_tasks(o), b = generate_arc_tasks(o);
  EXPECT_EQ(arc_challenges_json(a), arc_challenges_json(b));
  EXPECT_EQ(arc_solutions_json(a), arc_solutions_json(b));
  EXPECT_EQ(a[1].train.size(), 2u);
  EXPECT_EQ(a[1].test.size(), 2u);
  EXPECT_EQ(family_of(a[1]), "gravity");
  o.seed = 43;
  const std::vector<ArcTask> c = generate_arc_tasks(o);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NE(a[i].name, c[i].name);
  // The challenges hold no test output; the solutions hold exactly those.
  const nlohmann::json challenges = arc_challenges_json(a);
  EXPECT_FALSE(challenges[a[0].name]["test"][0].contains("output"));
  EXPECT_EQ(arc_solutions_json(a)[a[0].name].size(), 2u);

  o.families = {"colours", "spin"};
  expect_input_error([&] { generate_arc_tasks(o); }, {"--families", "spin"});
  o.families = {"colours"};
  o.max_size = 2;
  expect_input_error([&] { generate_arc_tasks(o); }, {"--max-size"});
}

}  // namespace
}  // namespace recur::datasets
