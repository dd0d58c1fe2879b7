// Damaged checkpoints and checkpoints that do not fit the run, as a user
// meets them: resume=auto falls back past broken saves with a warning, a
// checkpoint named on the command line that is broken is exit 2 naming the
// file, and `recur inspect` shows what a training checkpoint holds.
// (Resuming on another number of ranks: world_size_change_test.cpp.)
#include <unistd.h>

#include "datasets/puzzle_file.h"
#include "trainer/config/config_loader.h"
#include "trainer/models/factory.h"
#include "training_runs.h"

namespace recur::testing {
namespace {

using recur::testing::run_recur;

// Flips a byte inside the stored data of the largest model tensor (found by
// its bytes, which a random init makes unique), so the file's HDF5 metadata
// stays intact and only the content checksum can tell.
void flip_tensor_byte(const std::string& file) {
  torch::Tensor largest;
  for (const auto& [name, t] : checkpoints::read_bundle(file).group("model"))
    if (!largest.defined() || t.numel() > largest.numel()) largest = t.contiguous();
  const std::string needle(static_cast<const char*>(largest.data_ptr()), largest.numel() * largest.element_size());
  std::string bytes = recur::testing::read_whole_file(file);
  const size_t at = bytes.find(needle);
  ASSERT_NE(at, std::string::npos) << file;
  bytes[at + needle.size() / 2] = static_cast<char>(~bytes[at + needle.size() / 2]);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

void truncate_to_half(const std::string& file) { fs::resize_file(file, fs::file_size(file) / 2); }

std::string model_file(const std::string& folder) { return folder + "/" + checkpoints::kModelFileName; }

using CheckpointRecovery = TrainingRunTest;

// The newest checkpoint has a flipped byte, the one before a truncated rank
// file: the resumed run warns about both, starts from the third newest, and
// still ends identical to a run that never stopped.
TEST_F(CheckpointRecovery, ResumeSkipsCorruptAndTruncatedCheckpointsWithAWarning) {
  make_sudoku_data();
  train("run", 1, "stop_after_steps=15 checkpoint_interval=4");
  ASSERT_EQ(complete_steps(path("run")), (std::vector<int64_t>{10, 12, 15}));
  flip_tensor_byte(model_file(checkpoint("run", 15)));
  truncate_to_half(checkpoint("run", 12) + "/rank_00000.h5");

  auto resumed = start_train("run", 1, "checkpoint_interval=4");
  ASSERT_EQ(resumed->wait(), 0) << resumed->err();
  const std::string err = resumed->err();
  EXPECT_NE(err.find("skipping checkpoint " + checkpoint("run", 15) + ": " + model_file(checkpoint("run", 15))),
            std::string::npos) << err;
  EXPECT_NE(err.find("skipping checkpoint " + checkpoint("run", 12) + ": " + checkpoint("run", 12) +
                     "/rank_00000.h5"), std::string::npos) << err;
  EXPECT_NE(err.find("resumed from " + checkpoint("run", 10) + " (step 10)"), std::string::npos) << err;

  train("straight", 1, "checkpoint_interval=0");
  EXPECT_TRUE(same_checkpoint_state(checkpoint("straight", kTotalSteps), checkpoint("run", kTotalSteps)));
  expect_same_metrics(path("run"), path("straight"), kTotalSteps);
}

// eval and inspect on a checkpoint the user names: exit 2, the damaged file
// named. inspect still prints what it can read; a flipped byte in tensor data
// needs --verify (inspect alone reads metadata only).
TEST_F(CheckpointRecovery, EvalAndInspectOfANamedDamagedCheckpointExitWith2NamingTheFile) {
  make_sudoku_data();
  train("run", 1, "stop_after_steps=4 checkpoint_interval=2");
  const std::string flipped = model_file(checkpoint("run", 4)), truncated = model_file(checkpoint("run", 2));
  ASSERT_EQ(run_recur("inspect --verify " + checkpoint("run", 4)).exit_code, 0);
  flip_tensor_byte(flipped);
  truncate_to_half(truncated);

  for (const auto& [args, file] : std::vector<std::pair<std::string, std::string>>{
           {"eval " + checkpoint("run", 4), flipped},
           {"eval " + truncated, truncated},
           {"inspect " + checkpoint("run", 2), truncated},
           {"inspect --json " + truncated, truncated},
           {"inspect --verify " + checkpoint("run", 4), flipped}}) {
    const auto r = run_recur(args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out << r.err;
    EXPECT_EQ(r.err.rfind("recur: error: " + file + ": ", 0), 0u) << args << "\n" << r.err;
  }
  const auto described = run_recur("inspect " + checkpoint("run", 2));
  EXPECT_NE(described.out.find("step        2"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("ERROR"), std::string::npos) << described.out;
  EXPECT_EQ(run_recur("inspect " + checkpoint("run", 4)).exit_code, 0);  // metadata intact
}

// A 2-rank checkpoint: inspect shows its step, world size, config, parameter
// count (the model's own) and each rank's carry.
TEST_F(CheckpointRecovery, TwoRankCheckpointIsDescribed) {
  RECUR_SKIP_WITHOUT_MPI();
  make_sudoku_data();
  train("two", 2, "stop_after_steps=3");
  const std::string folder = checkpoint("two", 3);

  const auto text = run_recur("inspect " + folder);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  for (const char* line : {"step        3\n", "world size  2\n", "parameters  ", "config:\n", "  hidden_size: 32",
                           "rank 0", "rank 1", "carry/z_H  float32 [4, 82, 32]"})
    EXPECT_NE(text.out.find(line), std::string::npos) << line << "\n" << text.out;

  const auto json_result = run_recur("inspect --json " + folder);
  ASSERT_EQ(json_result.exit_code, 0) << json_result.err;
  const nlohmann::json d = nlohmann::json::parse(json_result.out);
  const trainer::Config config = trainer::config_from_yaml(d.at("config").get<std::string>(), folder);
  const datasets::PuzzleMetadata meta = datasets::read_puzzle_metadata(path("sudoku.h5"));
  const auto model = trainer::make_model(config.arch, {meta.vocab_size, meta.seq_len, meta.num_puzzle_identifiers},
                                torch::kCPU, 0);
  int64_t parameters = 0;
  for (const auto& [name, p] : model->named_parameters()) parameters += p.numel();
  EXPECT_EQ(d.at("parameters"), parameters);
  ASSERT_EQ(d.at("ranks").size(), 2u);
  for (const auto& rank : d.at("ranks")) {
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& t : rank.at("tensors")) shapes[t.at("name")] = t.at("shape").get<std::vector<int64_t>>();
    EXPECT_EQ(shapes.at("carry/z_H"), (std::vector<int64_t>{4, 82, 32}));
    EXPECT_EQ(shapes.at("carry/z_L"), (std::vector<int64_t>{4, 82, 32}));
    EXPECT_EQ(shapes.at("carry/current_data/inputs"), (std::vector<int64_t>{4, 81}));
  }
}

}  // namespace
}  // namespace recur::testing
