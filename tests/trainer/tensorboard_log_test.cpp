// TensorBoard event files (log_tensorboard: true) read back by the
// `tensorboard` package itself hold the scalars of metrics.jsonl: the same
// names, the same steps, the same values (as float32), also after a run was
// killed and resumed (the rows trained again replace the first ones, as in
// metrics.jsonl). And RUN/run.json tells the killed process from the one that
// finished.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>

#include "test_paths.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

using TensorBoardLog = TrainingRunTest;

// {tag: [[step, value], ...]} as the tensorboard package reads RUN/tensorboard.
nlohmann::json read_tensorboard(const std::string& dir) {
  const auto read = recur::testing::run_shell(recur::testing::python() + " " + RECUR_SOURCE_DIR +
                                              "/tests/report/read_tensorboard.py " + dir);
  EXPECT_EQ(read.exit_code, 0) << "the tensorboard package (scripts/python/cpu.txt) could not read " << dir
                               << ":\n" << read.err;
  return read.exit_code == 0 ? nlohmann::json::parse(read.out) : nlohmann::json::object();
}

TEST_F(TensorBoardLog, EventFilesHoldTheMetricsRowsAfterAKillAndResume) {
  make_sudoku_data();
  if (HasFatalFailure()) return;
  auto first = start_train("run", 1, "log_tensorboard=true checkpoint_interval=4");
  ASSERT_TRUE(wait_until([&] { return last_logged_step(path("run/metrics.jsonl")) >= 14; })) << first->err();
  kill(first->pid(), SIGKILL);
  first->wait();
  train("run", 1, "log_tensorboard=true checkpoint_interval=4");

  // What metrics.jsonl holds, per name: step -> value.
  std::map<std::string, std::map<int64_t, double>> expected;
  for (const nlohmann::json& row : trainer::read_metrics(path("run/metrics.jsonl"))) {
    for (const auto& [key, value] : row.items()) {
      if (key != "step" && value.is_number()) expected[key][row["step"].get<int64_t>()] = value.get<double>();
    }
  }
  const nlohmann::json scalars = read_tensorboard(path("run/tensorboard"));
  ASSERT_EQ(scalars.size(), expected.size()) << scalars.dump().substr(0, 2000);
  for (const auto& [name, rows] : expected) {
    ASSERT_TRUE(scalars.contains(name)) << name;
    const nlohmann::json& events = scalars[name];
    ASSERT_EQ(events.size(), rows.size()) << name << ": each step once, the killed process's extra rows dropped";
    size_t i = 0;
    for (const auto& [step, value] : rows) {
      EXPECT_EQ(events[i][0].get<int64_t>(), step) << name;
      EXPECT_EQ(events[i][1].get<float>(), static_cast<float>(value)) << name << " at step " << step;
      ++i;
    }
  }
  EXPECT_EQ(expected.at("loss").rbegin()->first, kTotalSteps);
  EXPECT_TRUE(expected.count("eval/exact_accuracy"));

  // run.json: the killed process never said how it ended; the resumed one finished.
  const nlohmann::json record = nlohmann::json::parse(read_whole_file(path("run/run.json")));
  EXPECT_EQ(record.at("format"), "recur-run");
  ASSERT_EQ(record.at("processes").size(), 2u) << record.dump();
  EXPECT_EQ(record["processes"][0].at("status"), "running");
  EXPECT_EQ(record["processes"][0].at("first_step"), 0);
  const nlohmann::json& second = record["processes"][1];
  EXPECT_EQ(second.at("status"), "finished");
  EXPECT_EQ(second.at("exit_code"), 0);
  EXPECT_EQ(second.at("last_step"), kTotalSteps);
  EXPECT_GT(second.at("first_step").get<int64_t>(), 0) << "resumed from a checkpoint";
  EXPECT_EQ(second.at("world_size"), 1);
  EXPECT_EQ(second.at("device"), "cpu");
}

}  // namespace
}  // namespace recur::testing
