// Synthetic ARC-style tasks (see arc_generator.h).
#include "datasets/arc_generator.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "common/error.h"
#include "datasets/arc_augmentation.h"
#include "datasets/rng.h"

namespace recur::datasets {
namespace {

// Stream ids: what a random draw is about (see rng.h).
enum : uint64_t { kStreamTaskId = 11, kStreamRule = 12, kStreamGrid = 13 };

using Rule = std::function<Grid(const Grid&)>;

Grid blank_like(const Grid& g) { return Grid{g.rows, g.cols, std::vector<uint8_t>(g.cells.size(), 0)}; }

// A task's colours: 2..4 of 1..9, shared by all its inputs, so that its
// demonstrations show the rule on every colour its test inputs hold.
std::vector<uint8_t> random_palette(Rng& rng) {
  std::vector<uint8_t> palette = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  rng.shuffle(palette);
  palette.resize(2 + rng.uniform(3));
  return palette;
}

// Black background and the palette on about 40% of the cells, each of its
// colours at least once (a grid too small for that is drawn again).
Grid random_input(Rng& rng, int max_size, const std::vector<uint8_t>& palette) {
  Grid g;
  for (;;) {
    g.rows = 3 + static_cast<int>(rng.uniform(max_size - 2));
    g.cols = 3 + static_cast<int>(rng.uniform(max_size - 2));
    g.cells.assign(static_cast<size_t>(g.rows) * g.cols, 0);
    for (uint8_t& cell : g.cells) {
      if (rng.uniform_double() < 0.4) cell = palette[rng.uniform(palette.size())];
    }
    const bool all_colours = std::all_of(palette.begin(), palette.end(), [&](uint8_t colour) {
      return std::find(g.cells.begin(), g.cells.end(), colour) != g.cells.end();
    });
    if (all_colours) return g;
  }
}

Rule translate_rule(int dr, int dc) {
  return [dr, dc](const Grid& in) {
    Grid out = blank_like(in);
    for (int r = 0; r < in.rows; ++r) {
      for (int c = 0; c < in.cols; ++c) {
        const int sr = r - dr, sc = c - dc;
        if (sr >= 0 && sr < in.rows && sc >= 0 && sc < in.cols) out.cells[size_t(r) * in.cols + c] = in.at(sr, sc);
      }
    }
    return out;
  };
}

// direction 0 down, 1 up, 2 right, 3 left: cells slide to that edge in order.
Rule gravity_rule(int direction) {
  return [direction](const Grid& in) {
    Grid out = blank_like(in);
    const bool along_columns = direction < 2;
    const int lines = along_columns ? in.cols : in.rows, length = along_columns ? in.rows : in.cols;
    const bool to_end = direction == 0 || direction == 2;
    auto index = [&](int line, int i) {
      return along_columns ? size_t(i) * in.cols + line : size_t(line) * in.cols + i;
    };
    for (int line = 0; line < lines; ++line) {
      std::vector<uint8_t> coloured;
      for (int i = 0; i < length; ++i) {
        if (in.cells[index(line, i)] != 0) coloured.push_back(in.cells[index(line, i)]);
      }
      const int start = to_end ? length - static_cast<int>(coloured.size()) : 0;
      for (size_t k = 0; k < coloured.size(); ++k) out.cells[index(line, start + static_cast<int>(k))] = coloured[k];
    }
    return out;
  };
}

// The rule of a task of `family` on grids of `palette`, drawn from `rng`.
Rule draw_rule(const std::string& family, const std::vector<uint8_t>& palette, Rng& rng) {
  if (family == "dihedral") {
    const int k = 1 + static_cast<int>(rng.uniform(kNumDihedral - 1));
    return [k](const Grid& in) { return dihedral_transform(in, k); };
  }
  if (family == "colours") {
    // A map that moves none of the palette would leave every input as it is.
    auto moves_palette = [&](const ColourMap& m) {
      return std::any_of(palette.begin(), palette.end(), [&](uint8_t colour) { return m[colour] != colour; });
    };
    ColourMap map = random_colour_map(rng);
    while (!moves_palette(map)) map = random_colour_map(rng);
    return [map](const Grid& in) { return apply_colour_map(in, map); };
  }
  if (family == "translate") {
    int dr = 0, dc = 0;
    while (dr == 0 && dc == 0) dr = int(rng.uniform(5)) - 2, dc = int(rng.uniform(5)) - 2;
    return translate_rule(dr, dc);
  }
  return gravity_rule(static_cast<int>(rng.uniform(4)));
}

std::string task_id(const std::string& family, uint64_t seed, int64_t index) {
  Rng rng({seed, kStreamTaskId, static_cast<uint64_t>(index)});
  char hex[16];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(rng.next_u64() & 0xffffffffu));
  return family + "-" + hex;
}

void check_options(const ArcGenerateOptions& o) {
  if (o.tasks < 1) throw InputError("--generate", "must be at least 1 task");
  if (o.max_size < 3 || o.max_size > kArcMaxGridSize) throw InputError("--max-size", "must be in [3, 30]");
  if (o.train_pairs < 1) throw InputError("--train-pairs", "must be at least 1");
  if (o.test_pairs < 1) throw InputError("--test-pairs", "must be at least 1");
  if (o.families.empty()) throw InputError("--families", "name at least one family");
  const std::vector<std::string>& known = arc_generator_families();
  for (const std::string& f : o.families) {
    if (std::find(known.begin(), known.end(), f) == known.end())
      throw InputError("--families", "unknown family '" + f + "' (families: dihedral, colours, translate, gravity)");
  }
}

}  // namespace

std::vector<ArcTask> generate_arc_tasks(const ArcGenerateOptions& o) {
  check_options(o);
  std::vector<ArcTask> tasks;
  for (int64_t i = 0; i < o.tasks; ++i) {
    const std::string& family = o.families[static_cast<size_t>(i) % o.families.size()];
    Rng grid_rng({o.seed, kStreamGrid, static_cast<uint64_t>(i)});
    const std::vector<uint8_t> palette = random_palette(grid_rng);
    Rng rule_rng({o.seed, kStreamRule, static_cast<uint64_t>(i)});
    const Rule rule = draw_rule(family, palette, rule_rng);
    ArcTask task{task_id(family, o.seed, i), {}, {}};
    for (int p = 0; p < o.train_pairs + o.test_pairs; ++p) {
      ArcPair pair;
      do {
        pair.input = random_input(grid_rng, o.max_size, palette);
        pair.output = rule(pair.input);
      } while (pair.output == pair.input);
      (p < o.train_pairs ? task.train : task.test).push_back(std::move(pair));
    }
    tasks.push_back(std::move(task));
  }
  return tasks;
}

nlohmann::json arc_challenges_json(const std::vector<ArcTask>& tasks) {
  nlohmann::json out = nlohmann::json::object();
  for (const ArcTask& t : tasks) {
    nlohmann::json task = arc_task_to_json(t);
    for (nlohmann::json& pair : task["test"]) pair.erase("output");
    out[t.name] = std::move(task);
  }
  return out;
}

nlohmann::json arc_solutions_json(const std::vector<ArcTask>& tasks) {
  nlohmann::json out = nlohmann::json::object();
  for (const ArcTask& t : tasks) {
    nlohmann::json outputs = nlohmann::json::array();
    for (const ArcPair& p : t.test) outputs.push_back(grid_to_json(p.output));
    out[t.name] = std::move(outputs);
  }
  return out;
}

}  // namespace recur::datasets
