// Helpers for the tests that train for real through the `recur` binary
// (resume, preemption, several ranks): a scratch folder with a tiny dataset
// and recipe, `recur train` started as a child process (alone or under
// `mpirun -np 2`) that a test can signal or kill, and a bitwise comparison of
// two checkpoints read with the checkpoints library.
//
// Everything is small on purpose (a 32-wide TRM-MLP on 81-cell Sudoku, batch
// 8, a few dozen steps, one thread per rank): CI has two cores.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_manifest.h"
#include "recur_process.h"
#include "trainer/train/metrics_log.h"

namespace recur::testing {

namespace fs = std::filesystem;

// Whether this build starts several ranks: one without MPI (RECUR_WITH_MPI=OFF,
// cmake/mpi.cmake) has no mpirun, and its recur runs one rank only.
inline bool builds_with_mpi() { return RECUR_MPIEXEC[0] != '\0'; }
#define RECUR_SKIP_WITHOUT_MPI() \
  if (!recur::testing::builds_with_mpi()) GTEST_SKIP() << "needs mpirun: this build has no MPI (RECUR_WITH_MPI)"

// The command prefix that starts `ranks` processes: nothing for one, mpirun
// for more (one thread each; root and a 2-core machine need the two flags).
inline std::string launcher(int ranks) {
  if (ranks == 1) return "env OMP_NUM_THREADS=1 ";
  return "env OMP_NUM_THREADS=1 " + std::string(RECUR_MPIEXEC) + " -np " + std::to_string(ranks) +
         " --allow-run-as-root --oversubscribe ";
}

// A process started with /bin/sh -c "exec COMMAND", stdout and stderr to files.
class Child {
 public:
  Child(const std::string& command, const std::string& out_path, const std::string& err_path)
      : out_path_(out_path), err_path_(err_path) {
    pid_ = fork();
    if (pid_ == 0) {
      const std::string line = "exec " + command + " >" + out_path + " 2>" + err_path;
      execl("/bin/sh", "sh", "-c", line.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  // A test that failed early may leave it running: SIGTERM first, so mpirun
  // takes its ranks down with it, then SIGKILL.
  ~Child() {
    if (pid_ <= 0 || !running()) return;
    kill(pid_, SIGTERM);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (running() && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running()) kill(pid_, SIGKILL);
    wait();
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running() {
    if (done_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) finish(status);
    return !done_;
  }
  // The exit status, or 128 + N when signal N ended the process (as a shell says).
  int wait() {
    if (!done_) {
      int status = 0;
      waitpid(pid_, &status, 0);
      finish(status);
    }
    return status_;
  }
  std::string out() const { return recur::testing::read_whole_file(out_path_); }
  std::string err() const { return recur::testing::read_whole_file(err_path_); }

 private:
  void finish(int status) {
    done_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid_ = -1;
  bool done_ = false;
  int status_ = -1;
  std::string out_path_, err_path_;
};

// Polls `ready` every 5 ms for at most `timeout_s` seconds.
template <typename Ready>
bool wait_until(Ready ready, double timeout_s = 120) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// The highest "step" of a train row in a metrics file still being written
// (a torn last line is skipped); 0 when there is none yet.
inline int64_t last_logged_step(const std::string& metrics_path) {
  std::ifstream in(metrics_path);
  int64_t step = 0;
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (row.is_object() && row.contains("loss")) step = std::max(step, row["step"].get<int64_t>());
  }
  return step;
}

// The complete checkpoints (COMPLETE present) of a run, oldest first.
inline std::vector<int64_t> complete_steps(const std::string& run_dir) {
  std::vector<int64_t> steps;
  const std::string dir = checkpoints::checkpoints_dir(run_dir);
  if (!fs::is_directory(dir)) return steps;
  for (const auto& entry : fs::directory_iterator(dir)) {
    int64_t step = 0;
    if (checkpoints::parse_step_folder_name(entry.path().filename().string(), &step) &&
        fs::exists(entry.path() / checkpoints::kCompleteFileName))
      steps.push_back(step);
  }
  std::sort(steps.begin(), steps.end());
  return steps;
}

// A scratch folder per test with a generated Sudoku dataset and a recipe for
// a tiny TRM-MLP. 40 train groups (a puzzle and its 3 shuffles); an epoch
// samples one example per group (the reference sampling), so 6 epochs of
// batch 8 are 30 steps, with an evaluation every 2 epochs (10 steps).
class TrainingRunTest : public ::testing::Test {
 protected:
  static constexpr int64_t kTotalSteps = 30;

  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recur_train_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);  // a failed test leaves its runs to look at
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path(name)) << text; }

  void make_sudoku_data() {
    const auto data = recur::testing::run_recur(
        "data sudoku --generate 60 --givens 36 --train-size 40 --test-size 20 --augment 3 --seed 5 --threads 1 "
        "--out " + path("sudoku.h5"));
    ASSERT_EQ(data.exit_code, 0) << data.err;
    write("tiny.yaml", "include: " + std::string(RECUR_SOURCE_DIR) + "/recipes/base/trm.yaml\n" +
                           "data_paths: [" + path("sudoku.h5") + "]\n" + R"(
evaluators: []
global_batch_size: 8
epochs: 6
eval_interval: 2
lr: 1.0e-3
puzzle_emb_lr: 1.0e-2
lr_warmup_steps: 5
lr_min_ratio: 0.1
log_interval: 1
threads: 1
arch: {hidden_size: 32, num_heads: 2, puzzle_emb_ndim: 32, puzzle_emb_len: 1, mlp_t: true, pos_encodings: none,
       H_cycles: 2, L_cycles: 1, L_layers: 1, halt_max_steps: 3}
)");
  }

  // tiny-urm.yaml: tiny.yaml's data and schedule with a URM of the same size (bf16 conv, the
  // schedule one step behind as in URM's recipes), trained by Muon or by AdamATan2.
  void write_tiny_urm_recipe(bool muon) {
    write("tiny-urm.yaml", "include: " + path("tiny.yaml") + "\nuse_muon: " + (muon ? "true" : "false") + R"(
lr_schedule_lag: 1
arch: {name: urm, mlp_t: false, pos_encodings: rope}
)");
  }

  // Three hand-made ARC tasks, two training tasks and one evaluation task
  // (whose test pair becomes the test split), with `augment` augmented
  // versions each, built into arc.h5. kTinyArcEvalTask names the last.
  static constexpr const char* kTinyArcEvalTask = "e0e0e0e0";
  void make_tiny_arc_data(int augment) {
    fs::create_directories(path("training"));
    fs::create_directories(path("evaluation"));
    write("training/a1a1a1a1.json", tiny_arc_task(1, [](int r, int c, int, int w, const Grid& g) {
            return g[r][w - 1 - c];  // mirror left-right
          }));
    write("training/b2b2b2b2.json", tiny_arc_task(2, [](int r, int c, int, int, const Grid& g) {
            const int v = g[r][c];
            return v == 1 ? 2 : v == 2 ? 1 : v;  // swap two colours
          }));
    write(std::string("evaluation/") + kTinyArcEvalTask + ".json",
          tiny_arc_task(3, [](int r, int c, int h, int, const Grid& g) {
            return g[h - 1 - r][c];  // mirror top-bottom
          }));
    const auto data = recur::testing::run_recur("data arc --subsets " + path("training") + " " + path("evaluation") +
                                                " --test-set " + path("evaluation") + " --augment " +
                                                std::to_string(augment) + " --seed 1 --threads 1 --out " +
                                                path("arc.h5"));
    ASSERT_EQ(data.exit_code, 0) << data.err;
  }

  // arc.h5 (4 augmented versions per task) and arc.yaml: a tiny TRM at global
  // batch 4 that runs 20 steps (stop_after_steps) with ACT exploration on.
  void make_tiny_arc_run() {
    make_tiny_arc_data(4);
    if (HasFatalFailure()) return;
    write("arc.yaml", "include: " + std::string(RECUR_SOURCE_DIR) + "/recipes/base/trm.yaml\n" +
                          "data_paths: [" + path("arc.h5") + "]\n" + R"(
evaluators: []
global_batch_size: 4
epochs: 100
eval_interval: 100
stop_after_steps: 20
checkpoint_interval: 0
lr: 1.0e-3
lr_warmup_steps: 5
puzzle_emb_lr: 1.0e-2
threads: 1
arch: {hidden_size: 16, num_heads: 1, puzzle_emb_ndim: 16, puzzle_emb_len: 1, H_cycles: 1, L_cycles: 1,
       L_layers: 1, halt_max_steps: 4, halt_exploration_prob: 0.5}
)");
  }

  // An ARC task file: three demonstration pairs and one test pair of grids
  // 3x3 to 5x5 (colours 0-3, drawn from `seed`), outputs = rule(inputs).
  using Grid = std::vector<std::vector<int>>;
  using Rule = int (*)(int r, int c, int h, int w, const Grid& in);
  static std::string tiny_arc_task(uint32_t seed, Rule rule) {
    auto pair = [&](int h, int w) {
      Grid in(h, std::vector<int>(w)), out = in;
      for (auto& row : in)
        for (int& v : row) v = static_cast<int>((seed = seed * 1664525u + 1013904223u) >> 30);
      for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) out[r][c] = rule(r, c, h, w, in);
      return nlohmann::json{{"input", in}, {"output", out}};
    };
    nlohmann::json task;
    task["train"] = {pair(3, 3), pair(4, 3), pair(5, 4)};
    task["test"] = {pair(4, 5)};
    return task.dump();
  }

  // `recur train RECIPE run_dir=RUN OVERRIDES` on `ranks` processes, started.
  std::unique_ptr<Child> start_train(const std::string& run, int ranks, const std::string& overrides,
                                     const std::string& recipe = "tiny.yaml") {
    static int launches = 0;
    std::string log_name = run;  // in the scratch folder itself, even for a run in a subfolder
    std::replace(log_name.begin(), log_name.end(), '/', '_');
    const std::string log = path(log_name + "." + std::to_string(++launches));
    return std::make_unique<Child>(launcher(ranks) + RECUR_BINARY + " train " + path(recipe) + " run_dir=" +
                                       path(run) + " " + overrides,
                                   log + ".out", log + ".err");
  }
  // The same, to the end: asserts the exit status.
  void train(const std::string& run, int ranks, const std::string& overrides, int expected_status = 0,
             const std::string& recipe = "tiny.yaml") {
    auto child = start_train(run, ranks, overrides, recipe);
    ASSERT_EQ(child->wait(), expected_status) << child->err();
  }

  std::string checkpoint(const std::string& run, int64_t step) const {
    return checkpoints::step_folder(path(run), step);
  }

  fs::path dir_;
};

// A recipe for a tiny TRM on ARC data (make_tiny_arc_data's arc.h5), with its
// run folder, evaluators and epochs; an evaluation every epoch.
inline std::string tiny_arc_recipe(const std::string& data, const std::string& run, const std::string& evaluator,
                                   int epochs) {
  return "include: " + std::string(RECUR_SOURCE_DIR) + "/recipes/base/trm.yaml\n" + "data_paths: [" + data +
         "]\nrun_dir: " + run + "\nevaluators: [" + evaluator + "]\nepochs: " + std::to_string(epochs) + R"(
global_batch_size: 8
eval_interval: 1
lr_warmup_steps: 2
threads: 2
arch: {hidden_size: 32, num_heads: 2, puzzle_emb_ndim: 32, puzzle_emb_len: 2, H_cycles: 1, L_cycles: 1,
       L_layers: 1, halt_max_steps: 2}
)";
}

// The last line of a process's output as JSON (recur's final row).
inline nlohmann::json last_json_line(const std::string& out) {
  const size_t start = out.rfind('\n', out.size() - 2);
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1));
}

// Records that legitimately differ between two runs of the same training:
// the config text (run_dir, stop/checkpoint keys) and the wall-clock time.
inline bool compared_record(const std::string& key) { return key != "config" && key != "train_seconds"; }

// Every tensor of two checkpoint files, in order, bit for bit (dtype, shape,
// bytes), and every record but the ones above.
inline ::testing::AssertionResult same_file_state(const std::string& a_path, const std::string& b_path) {
  const checkpoints::StateBundle a = checkpoints::read_bundle(a_path), b = checkpoints::read_bundle(b_path);
  if (a.tensors().size() != b.tensors().size())
    return ::testing::AssertionFailure() << a_path << ": " << a.tensors().size() << " tensors vs "
                                         << b.tensors().size();
  for (size_t i = 0; i < a.tensors().size(); ++i) {
    const auto& [name, ta] = a.tensors()[i];
    const torch::Tensor& tb = b.tensors()[i].second;
    if (name != b.tensors()[i].first)
      return ::testing::AssertionFailure() << a_path << ": tensor " << i << " is " << name << " vs "
                                           << b.tensors()[i].first;
    if (ta.scalar_type() != tb.scalar_type() || ta.sizes() != tb.sizes())
      return ::testing::AssertionFailure() << a_path << ": " << name << " dtype/shape differ";
    const torch::Tensor ca = ta.contiguous(), cb = tb.contiguous();
    if (std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.numel() * ca.element_size()) != 0) {
      auto failure = ::testing::AssertionFailure() << a_path << ": " << name << " differs";
      if (ca.is_floating_point())
        failure << " (max abs diff " << (ca.to(torch::kFloat64) - cb.to(torch::kFloat64)).abs().max().item<double>()
                << ")";
      return failure;
    }
  }
  for (const auto& [key, value] : a.records()) {
    if (!compared_record(key)) continue;
    if (!b.has_record(key) || b.records().at(key) != value)
      return ::testing::AssertionFailure() << a_path << ": record " << key << " differs";
  }
  return ::testing::AssertionSuccess() << a.tensors().size() << " tensors";
}

// model.h5 and every rank file of two checkpoint folders (same world size).
inline ::testing::AssertionResult same_checkpoint_state(const std::string& a, const std::string& b) {
  const checkpoints::CheckpointManifest ma = checkpoints::read_manifest(a), mb = checkpoints::read_manifest(b);
  if (ma.world_size != mb.world_size || ma.step != mb.step)
    return ::testing::AssertionFailure() << a << " vs " << b << ": step or world size differ";
  for (const std::string& name : checkpoints::checkpoint_file_names(ma.world_size)) {
    auto same = same_file_state((fs::path(a) / name).string(), (fs::path(b) / name).string());
    if (!same) return same;
  }
  return ::testing::AssertionSuccess();
}

// The rows of a run's metrics.jsonl: train rows carry "loss", eval rows "eval/...".
struct MetricsRows {
  std::vector<nlohmann::json> train, eval;
};
inline MetricsRows metrics_rows(const std::string& run_dir) {
  MetricsRows rows;
  for (const nlohmann::json& row : trainer::read_metrics(run_dir + "/metrics.jsonl"))
    (row.contains("loss") ? rows.train : rows.eval).push_back(row);
  return rows;
}

// A resumed run's metrics read as one run: train rows for steps 1..total
// once each, eval rows at distinct steps; and the values match a straight
// run's (timing columns apart).
inline void expect_same_metrics(const std::string& resumed_run, const std::string& straight_run, int64_t total) {
  const MetricsRows r = metrics_rows(resumed_run), s = metrics_rows(straight_run);
  ASSERT_EQ(r.train.size(), static_cast<size_t>(total)) << resumed_run;
  for (int64_t i = 0; i < total; ++i) ASSERT_EQ(r.train[i].at("step"), i + 1) << resumed_run << " row " << i;
  std::set<int64_t> eval_steps;
  for (const auto& row : r.eval) EXPECT_TRUE(eval_steps.insert(row.at("step").get<int64_t>()).second) << row.dump();
  ASSERT_EQ(r.eval.size(), s.eval.size());
  const std::set<std::string> timing = {"ms_per_step", "samples_per_s", "train_seconds", "eval_seconds",
                                        "peak_mem_mb"};
  auto same_values = [&](const nlohmann::json& a, const nlohmann::json& b) {
    for (const auto& [key, value] : b.items())
      if (!timing.count(key)) EXPECT_EQ(a.at(key), value) << "step " << b.at("step") << " " << key;
  };
  for (size_t i = 0; i < s.train.size(); ++i) same_values(r.train[i], s.train[i]);
  for (size_t i = 0; i < s.eval.size(); ++i) same_values(r.eval[i], s.eval[i]);
}

}  // namespace recur::testing
