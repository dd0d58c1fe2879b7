// The `recur` binary: exit codes and messages of design.md, --version, --help,
// and `recur train RECIPE --print-config`.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "recur_process.h"
#include "test_paths.h"
#include "trainer/config/config_loader.h"

namespace recur::trainer {
namespace {

using recur::testing::run_recur;

// The versions are this build's: the LibTorch the tests link, CPU only unless
// it has CUDA, the NCCL library when the NCCL communicator is built in.
TEST(Cli, VersionShowsGitShaLibTorchCudaAndNccl) {
  const auto result = run_recur("--version");
  EXPECT_EQ(result.exit_code, 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(result.out, m,
                               std::regex(R"(recur \S+ \(LibTorch (\S+), (CPU only|CUDA \d+\.\d+), (no NCCL|NCCL \d+\.\d+\.\d+)\)\n)")))
      << result.out;
  EXPECT_EQ(m[1], TORCH_VERSION);
#ifdef RECUR_TORCH_CUDA
  EXPECT_NE(m[2], "CPU only");
#else
  EXPECT_EQ(m[2], "CPU only");
#endif
#ifdef RECUR_HAVE_NCCL
  EXPECT_NE(m[3], "no NCCL");
#else
  EXPECT_EQ(m[3], "no NCCL");
#endif
}

// Asking for a GPU where there is none is one clear input error (exit 2), from
// a CPU-only build and from a CUDA build alike.
TEST(Cli, DeviceCudaWithoutAGpuSaysNoneIsVisible) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a GPU is visible here";
  const auto result = run_recur("bench " + std::string(RECUR_SOURCE_DIR) + "/recipes/quick-sudoku.yaml device=cuda");
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_EQ(result.err.rfind("recur: error: device: cuda was asked for, but ", 0), 0u) << result.err;
#ifdef RECUR_TORCH_CUDA
  EXPECT_NE(result.err.find("no CUDA device is visible"), std::string::npos) << result.err;
#else
  EXPECT_NE(result.err.find("CPU-only LibTorch"), std::string::npos) << result.err;
#endif
}

TEST(Cli, HelpOfTheProgramAndOfTrainExitZero) {
  const auto program = run_recur("--help");
  EXPECT_EQ(program.exit_code, 0);
  EXPECT_NE(program.out.find("train"), std::string::npos) << program.out;
  const auto train = run_recur("train --help");
  EXPECT_EQ(train.exit_code, 0);
  EXPECT_NE(train.out.find("--print-config"), std::string::npos) << train.out;
  EXPECT_NE(train.out.find("overrides"), std::string::npos) << train.out;
}

// Every command listed by `recur --help` answers `recur <command> --help`.
TEST(Cli, EveryCommandHasHelp) {
  const std::string help = run_recur("--help").out;
  const size_t list = help.find("Subcommands:\n");
  ASSERT_NE(list, std::string::npos) << help;
  std::istringstream lines(help.substr(list + 13));
  int commands = 0;
  for (std::string line, name; std::getline(lines, line);) {
    if (!(std::istringstream(line) >> name)) break;
    const auto result = run_recur(name + " --help");
    EXPECT_EQ(result.exit_code, 0) << name << ": " << result.err;
    EXPECT_NE(result.out.find("Usage:"), std::string::npos) << name << ": " << result.out;
    ++commands;
  }
  EXPECT_GE(commands, 1);
}

TEST(Cli, PrintConfigPrintsTheResolvedConfigAndExitsZero) {
  const auto result = run_recur("train " + recur::testing::trainer_fixtures_dir() + "/child.yaml arch.L_cycles=3 'data_paths=[x.h5]' --print-config");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const Config printed = config_from_yaml(result.out, "stdout");
  EXPECT_EQ(printed.arch.L_cycles, 3);             // override
  EXPECT_EQ(printed.arch.H_cycles, 5);             // included base
  EXPECT_EQ(printed.epochs, 200);                  // recipe
  EXPECT_EQ(printed.data_paths, (std::vector<std::string>{"x.h5"}));
  EXPECT_EQ(result.out, config_to_yaml(load_config(recur::testing::trainer_fixtures_dir() + "/child.yaml",
                                                   {"arch.L_cycles=3", "data_paths=[x.h5]"})));
}

TEST(Cli, MissingRecipeIsOneLineAndExitTwo) {
  const auto result = run_recur("train missing.yaml --print-config");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "recur: error: missing.yaml: no such file\n");
  EXPECT_EQ(result.out, "");
}

TEST(Cli, BadOverrideIsOneLineAndExitTwo) {
  const auto result = run_recur("train " + recur::testing::trainer_fixtures_dir() + "/child.yaml arch.L_cycle=3 --print-config");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "recur: error: command line: unknown key 'arch.L_cycle' (did you mean 'arch.L_cycles'?)\n");
}

TEST(Cli, UsageErrorsExitTwoWithAPointerToHelp) {
  const std::vector<std::string> usage_errors = {"fly", "--frobnicate", "train",
                                                 "train " + recur::testing::trainer_fixtures_dir() + "/child.yaml --frobnicate"};
  for (const std::string& args : usage_errors) {
    const auto result = run_recur(args);
    EXPECT_EQ(result.exit_code, 2) << args;
    EXPECT_EQ(result.err.rfind("recur: error: ", 0), 0u) << args << ": " << result.err;
    EXPECT_NE(result.err.find("--help"), std::string::npos) << args << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << args << ": " << result.err;
  }
  EXPECT_NE(run_recur("train").err.find("(see 'recur train --help')"), std::string::npos);
  EXPECT_NE(run_recur("trian x.yaml").err.find("trian"), std::string::npos);
}

TEST(Cli, NoCommandPrintsTheHelpAndExitsTwo) {
  const auto result = run_recur("");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("Subcommands:"), std::string::npos) << result.err;
}

// The dynamic linker takes libblas.so.3 from LD_LIBRARY_PATH first, so the
// same binary can be started on Debian's reference BLAS and on OpenBLAS.
// A LibTorch with MKL inside (pip's, the official archives) never calls it:
// there the reference BLAS must not cause a warning either.
const std::string kBlasDirs = "/usr/lib/x86_64-linux-gnu/";

TEST(Cli, WarnsAtStartUpOnReferenceBlasOnly) {
  if (!std::filesystem::exists(kBlasDirs + "blas/libblas.so.3") ||
      !std::filesystem::exists(kBlasDirs + "openblas-openmp/libblas.so.3"))
    GTEST_SKIP() << "needs Debian's libblas3 and libopenblas0-openmp (scripts/setup.sh installs both)";
  const auto reference = run_recur("--version", "LD_LIBRARY_PATH=" + kBlasDirs + "blas");
  EXPECT_EQ(reference.exit_code, 0);
  if (at::hasMKL()) {
    EXPECT_EQ(reference.err, "") << "this LibTorch multiplies with MKL";
    return;
  }
  EXPECT_NE(reference.err.find("reference BLAS"), std::string::npos) << reference.err;
  EXPECT_NE(reference.err.find("libopenblas0-openmp"), std::string::npos) << reference.err;
  EXPECT_EQ(std::count(reference.err.begin(), reference.err.end(), '\n'), 1) << reference.err;
  const auto openblas = run_recur("--version", "LD_LIBRARY_PATH=" + kBlasDirs + "openblas-openmp");
  EXPECT_EQ(openblas.exit_code, 0);
  EXPECT_EQ(openblas.err, "");
}

}  // namespace
}  // namespace recur::trainer
