// Adaptation is what solves unseen ARC tasks: a tiny TRM trained on generated
// colour-map tasks, then `recur predict` on new tasks of that family. TRM sees
// only a test input and its task's puzzle embedding, and a colour map is known
// only from the demonstrations, so without adaptation (the new rows stay zero)
// the model cannot know the map, and after its rows are adapted on the
// demonstrations it solves most tasks. Both numbers are printed.
//
// The training must make the model read its puzzle embeddings: few rows (48
// tasks in 2 versions each), each trained often, with puzzle_emb_lr 10x lr.
// With hundreds of rows a run this short never learns to use them (each row
// gets too few sign-SGD steps) and adaptation has nothing to act through.
// About 400 steps of a 2-block, 64-wide model, one thread: ~40 s on an idle
// core; the two predictions ~10 s.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <tuple>

#include "training_runs.h"

namespace recur::testing {
namespace {

using recur::testing::last_json_line;
using recur::testing::run_recur;
using ArcAdaptation = TrainingRunTest;

TEST_F(ArcAdaptation, PredictSolvesUnseenColourMapsOnlyAfterAdaptingTheirEmbeddings) {
  for (const auto& [name, tasks, seed] : {std::tuple{"train", 48, 1}, std::tuple{"eval", 8, 2}, std::tuple{"new", 16, 3}}) {
    auto gen = run_recur("data arc --generate " + std::to_string(tasks) + " --families colours --max-size 5 --seed " +
                         std::to_string(seed) + " --out " + path(name) + "_challenges.json");
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
  }
  auto data = run_recur("data arc --subsets " + path("train_challenges.json") + " " + path("eval_challenges.json") +
                        " --test-set " + path("eval_challenges.json") +
                        " --augment 1 --canvas 5 --threads 1 --out " + path("colours.h5"));
  ASSERT_EQ(data.exit_code, 0) << data.err;
  write("colours.yaml", "include: " + std::string(RECUR_SOURCE_DIR) + "/recipes/base/trm.yaml\n" + "data_paths: [" +
                            path("colours.h5") + "]\nrun_dir: " + path("run") + R"(
evaluators: [{name: arc}]
epochs: 60
eval_interval: 60
global_batch_size: 32
lr: 3.0e-3
puzzle_emb_lr: 3.0e-2
lr_warmup_steps: 20
ema: false
threads: 1
log_interval: 50
arch: {hidden_size: 64, num_heads: 4, puzzle_emb_ndim: 64, puzzle_emb_len: 2, H_cycles: 1, L_cycles: 1,
       L_layers: 2, halt_max_steps: 1}
)");
  auto train = run_recur("train " + path("colours.yaml"));
  ASSERT_EQ(train.exit_code, 0) << train.err;

  auto predict = [&](int steps) {
    auto p = run_recur("predict " + path("run") + " --challenges " + path("new_challenges.json") + " --steps " +
                       std::to_string(steps) + " --out " + path("steps" + std::to_string(steps)) + "/submission.json");
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return p.exit_code == 0 ? last_json_line(p.out) : nlohmann::json::object();
  };
  const nlohmann::json none = predict(0), adapted = predict(100);
  ASSERT_TRUE(none.contains("ARC/pass@2") && adapted.contains("ARC/pass@2")) << none.dump() << adapted.dump();
  const double without = none.at("ARC/pass@2").get<double>(), with = adapted.at("ARC/pass@2").get<double>();
  std::cout << "unseen colour maps, pass@2 of 16 tasks: " << without << " without adaptation, " << with
            << " after 100 steps" << std::endl;
  EXPECT_EQ(none.at("adapt"), "none");
  EXPECT_EQ(adapted.at("adapt"), "embeddings");
  EXPECT_LE(without, 0.125);
  EXPECT_GE(with, 0.4);
  EXPECT_GE(with - without, 0.3);
}

}  // namespace
}  // namespace recur::testing
