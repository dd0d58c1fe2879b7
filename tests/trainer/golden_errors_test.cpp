// verify-golden on files that are not (whole) golden fixtures: one clear InputError
// naming the file, exit status 2; a fixture whose numbers disagree: FAIL, exit 1.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <filesystem>
#include <fstream>

#include "checkpoints/tensor_h5.h"
#include "common/error.h"
#include "common/libtorch.h"
#include "models_test_support.h"
#include "recur_process.h"
#include "trainer/golden/fixture.h"
#include "trainer/golden/verify.h"

namespace recur::trainer {
namespace {

namespace fs = std::filesystem;

class GoldenErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("recur_golden_errors_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // An lr_schedule-like fixture whose stored lr values are `lr`.
  std::string write_schedule_fixture(const std::string& name, double scale) const {
    const std::string p = path(name);
    H5Handle f = checkpoints::create_h5(p);
    checkpoints::write_tensor(f.get(), "case_0/step", torch::tensor({1, 1000, 3000}, torch::kInt64));
    checkpoints::write_tensor(f.get(), "case_0/lr", torch::tensor({1e-4 / 2000, 0.5e-4, 1e-4 * scale}, torch::kFloat64));
    checkpoints::write_attr(f.get(), "case_0", "base_lr", 1e-4);
    checkpoints::write_attr(f.get(), "case_0", "min_ratio", 1.0);
    checkpoints::write_attr(f.get(), "case_0", "num_warmup_steps", int64_t{2000});
    checkpoints::write_attr(f.get(), "case_0", "num_training_steps", int64_t{10000});
    return p;
  }

  fs::path dir_;
};

std::string error_of(const std::string& path) {
  try {
    verify_golden(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST_F(GoldenErrors, MissingOrNonHdf5FileIsAnInputErrorNamingIt) {
  EXPECT_NE(error_of(path("absent.h5")).find("absent.h5"), std::string::npos);
  std::ofstream(path("text.h5")) << "not hdf5";
  const std::string msg = error_of(path("text.h5"));
  EXPECT_NE(msg.find("text.h5"), std::string::npos);
  EXPECT_NE(msg.find("not an HDF5 file"), std::string::npos) << msg;
}

TEST_F(GoldenErrors, Hdf5FileThatIsNoFixtureIsAnInputError) {
  {
    H5Handle f = checkpoints::create_h5(path("other.h5"));
    checkpoints::write_tensor(f.get(), "x", torch::zeros({2}));
  }
  EXPECT_NE(error_of(path("other.h5")).find("not a golden fixture"), std::string::npos);
}

TEST_F(GoldenErrors, ModelFixtureWithoutItsDatasetsIsAnInputErrorNamingWhatIsMissing) {
  const GoldenFile real(testing::golden_dir() + "/trm_att.h5");
  {
    H5Handle f = checkpoints::create_h5(path("truncated.h5"));
    for (const std::string key : {"model_kind", "config_json", "loss_type"})
      checkpoints::write_attr(f.get(), ".", key, real.attr_string(".", key));
    checkpoints::write_attr(f.get(), ".", "n_steps", int64_t{3});
  }
  const std::string msg = error_of(path("truncated.h5"));
  EXPECT_NE(msg.find("truncated.h5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("weights"), std::string::npos) << msg;
}

TEST_F(GoldenErrors, CommandExitsZeroOnPassOneOnFailTwoOnBadInput) {
  const auto pass = testing::run_recur("verify-golden " + write_schedule_fixture("good.h5", 1.0));
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_NE(pass.out.find("case_0/lr"), std::string::npos) << pass.out;
  EXPECT_NE(pass.out.find("PASS"), std::string::npos) << pass.out;
  EXPECT_NE(pass.out.find("worst relative error by kind: case_0 "), std::string::npos) << pass.out;

  const auto fail = testing::run_recur("verify-golden " + write_schedule_fixture("bad.h5", 1.001));
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_NE(fail.out.find("FAIL"), std::string::npos) << fail.out;

  std::ofstream(path("text.h5")) << "not hdf5";
  const auto bad = testing::run_recur("verify-golden " + path("text.h5"));
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("recur: error: " + path("text.h5")), std::string::npos) << bad.err;
}

// --device cuda where no GPU is visible (this suite's machines): bad input, exit 2.
TEST_F(GoldenErrors, CudaWithoutAGpuIsRefused) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a GPU is visible: gpu_tests runs the fixtures on it";
  const auto r = testing::run_recur("verify-golden --device cuda " + write_schedule_fixture("good.h5", 1.0));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("recur: error: --device: cuda was asked for, but no CUDA device is visible"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace recur::trainer
