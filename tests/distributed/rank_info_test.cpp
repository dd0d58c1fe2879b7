// Rank discovery from launcher variables, set and unset in-process.
#include "distributed/rank_info.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "common/error.h"
#include "distributed/mpi_runtime.h"

namespace recur::distributed {
namespace {

const char* const kLauncherVars[] = {
    "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE",
    "SLURM_PROCID",         "SLURM_NTASKS",         "SLURM_LOCALID",              "SLURM_STEP_ID",
    "SLURM_TASKS_PER_NODE"};

// Clears every launcher variable for the test and restores them afterwards.
class LauncherEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kLauncherVars) {
      const char* v = std::getenv(name);
      saved_[name] = v ? std::optional<std::string>(v) : std::nullopt;
      unsetenv(name);
    }
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) setenv(name.c_str(), value->c_str(), 1);
      else unsetenv(name.c_str());
    }
  }
  static void set(const char* name, const char* value) { setenv(name, value, 1); }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST_F(LauncherEnv, PlainProcessIsRankZeroOfOne) {
  RankInfo info = rank_info_from_env();
  EXPECT_EQ(info.launcher, "single");
  EXPECT_EQ(info.rank, 0);
  EXPECT_EQ(info.world_size, 1);
  EXPECT_EQ(info.local_rank, 0);
}

TEST_F(LauncherEnv, OpenMpiVariablesGiveRankSizeAndLocalRank) {
  set("OMPI_COMM_WORLD_RANK", "5");
  set("OMPI_COMM_WORLD_SIZE", "8");
  set("OMPI_COMM_WORLD_LOCAL_RANK", "1");
  set("OMPI_COMM_WORLD_LOCAL_SIZE", "4");
  RankInfo info = rank_info_from_env();
  EXPECT_EQ(info.launcher, "openmpi");
  EXPECT_EQ(info.rank, 5);
  EXPECT_EQ(info.world_size, 8);
  EXPECT_EQ(info.local_rank, 1);
  EXPECT_EQ(info.local_world_size, 4);
}

TEST_F(LauncherEnv, SlurmStepVariablesGiveRankSizeAndLocalRank) {
  set("SLURM_PROCID", "3");
  set("SLURM_NTASKS", "4");
  set("SLURM_LOCALID", "1");
  set("SLURM_STEP_ID", "0");
  set("SLURM_TASKS_PER_NODE", "2(x2)");
  RankInfo info = rank_info_from_env();
  EXPECT_EQ(info.launcher, "slurm");
  EXPECT_EQ(info.rank, 3);
  EXPECT_EQ(info.world_size, 4);
  EXPECT_EQ(info.local_rank, 1);
  EXPECT_EQ(info.local_world_size, 2);
}

TEST_F(LauncherEnv, SlurmBatchShellWithoutStepIsASingleProcess) {
  set("SLURM_PROCID", "0");
  set("SLURM_NTASKS", "4");
  EXPECT_EQ(rank_info_from_env().launcher, "single");
}

TEST_F(LauncherEnv, OpenMpiTakesPrecedenceOverSlurm) {
  set("SLURM_PROCID", "0");
  set("SLURM_NTASKS", "1");
  set("SLURM_STEP_ID", "0");
  set("OMPI_COMM_WORLD_RANK", "1");
  set("OMPI_COMM_WORLD_SIZE", "2");
  RankInfo info = rank_info_from_env();
  EXPECT_EQ(info.launcher, "openmpi");
  EXPECT_EQ(info.rank, 1);
}

TEST_F(LauncherEnv, MalformedValueIsAnInputErrorNamingTheVariable) {
  set("OMPI_COMM_WORLD_RANK", "one");
  set("OMPI_COMM_WORLD_SIZE", "2");
  try {
    rank_info_from_env();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "OMPI_COMM_WORLD_RANK");
  }
}

TEST_F(LauncherEnv, RankOutsideWorldIsAnInputError) {
  set("OMPI_COMM_WORLD_RANK", "2");
  set("OMPI_COMM_WORLD_SIZE", "2");
  EXPECT_THROW(rank_info_from_env(), InputError);
}

TEST_F(LauncherEnv, SingleProcessDoesNotStartMpi) {
  MpiRuntime runtime(rank_info_from_env());
  EXPECT_FALSE(runtime.active());
  int initialized = 1;
  MPI_Initialized(&initialized);
  EXPECT_EQ(initialized, 0);
}

TEST(LocalCudaDevice, LocalRankPicksTheGpu) {
  RankInfo info;
  info.local_rank = 3;
  info.local_world_size = 8;
  EXPECT_EQ(local_cuda_device(info, 8), 3);
}

TEST(LocalCudaDevice, OneVisibleGpuPerTaskIsDeviceZero) {
  RankInfo info;
  info.local_rank = 3;
  EXPECT_EQ(local_cuda_device(info, 1), 0);
}

TEST(LocalCudaDevice, MoreLocalRanksThanGpusIsAnInputError) {
  RankInfo info;
  info.local_rank = 2;
  EXPECT_THROW(local_cuda_device(info, 2), InputError);
  EXPECT_THROW(local_cuda_device(info, 0), InputError);
}

}  // namespace
}  // namespace recur::distributed
