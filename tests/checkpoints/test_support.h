// Helpers shared by the checkpoints tests: a scratch folder, bit-exact tensor
// comparison, small bundles and a two-rank checkpoint of them, file corruption,
// error capture, and a Python runner.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include <sys/wait.h>

#include "checkpoints/checkpoint_writer.h"
#include "checkpoints/state_bundle.h"
#include "common/error.h"
#include "common/libtorch.h"
#include "test_paths.h"

namespace recur::checkpoints::testing {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "recur-ckpt-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

// Same dtype, same shape, same bytes (NaN payloads and -0.0 included).
inline ::testing::AssertionResult bit_identical(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type())
    return ::testing::AssertionFailure() << "dtype " << a.scalar_type() << " vs " << b.scalar_type();
  if (a.sizes() != b.sizes()) return ::testing::AssertionFailure() << "shape " << a.sizes() << " vs " << b.sizes();
  torch::Tensor ca = a.contiguous(), cb = b.contiguous();
  size_t bytes = static_cast<size_t>(ca.numel()) * ca.element_size();
  if (bytes > 0 && std::memcmp(ca.data_ptr(), cb.data_ptr(), bytes) != 0)
    return ::testing::AssertionFailure() << "bytes differ";
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult same_bundle(const StateBundle& a, const StateBundle& b) {
  if (a.tensors().size() != b.tensors().size())
    return ::testing::AssertionFailure() << a.tensors().size() << " vs " << b.tensors().size() << " tensors";
  for (size_t i = 0; i < a.tensors().size(); ++i) {
    if (a.tensors()[i].first != b.tensors()[i].first)
      return ::testing::AssertionFailure() << "tensor " << i << ": " << a.tensors()[i].first << " vs "
                                           << b.tensors()[i].first;
    auto same = bit_identical(a.tensors()[i].second, b.tensors()[i].second);
    if (!same) return same << " in " << a.tensors()[i].first;
  }
  if (a.records() != b.records()) return ::testing::AssertionFailure() << "records differ";
  return ::testing::AssertionSuccess();
}

// A model-like and a rank-like bundle whose content is a function of `step`.
inline StateBundle model_bundle(int64_t step, int64_t elements = 4096) {
  StateBundle b;
  torch::Tensor w = torch::arange(elements, torch::kFloat32) * 0.5 + static_cast<double>(step);
  b.add_tensor("model/inner.L_level.layers.0.mlp.weight", w.reshape({-1, 64}));
  b.add_tensor("model/inner.H_init", torch::full({64}, static_cast<double>(-step), torch::kBFloat16));
  b.add_tensor("ema/inner.L_level.layers.0.mlp.weight", (w * 0.25).reshape({-1, 64}));
  b.add_tensor("optim/adam/exp_avg/inner.L_level.layers.0.mlp.weight", (w - 1).reshape({-1, 64}));
  b.set_record("step", step);
  b.set_record("config", std::string("arch:\n  hidden_size: 64\nlr: 0.0001\n"));
  b.set_record("model_buffers", std::vector<std::string>{"inner.H_init"});
  return b;
}

inline StateBundle rank_bundle(int64_t step, int rank) {
  StateBundle b;
  b.add_tensor("carry/z_H", torch::full({4, 8, 64}, static_cast<double>(step + rank), torch::kBFloat16));
  b.add_tensor("carry/steps", torch::full({4}, rank, torch::kInt32));
  b.add_tensor("carry/halted", torch::tensor({true, false, true, rank == 1}));
  b.add_tensor("rng/cpu", torch::arange(16, torch::kUInt8) + static_cast<int64_t>(rank));
  b.set_record("loader_cursor", std::vector<int64_t>{step, rank, 7});
  return b;
}

// Two ranks written in-process, step by step, as a trainer sequences them.
inline std::string save_two_ranks(const std::string& run, int64_t step, bool eval = false,
                                  int64_t model_elements = 4096) {
  begin_checkpoint(run, step);
  write_model_state(run, step, model_bundle(step, model_elements));
  write_rank_state(run, step, 0, rank_bundle(step, 0));
  write_rank_state(run, step, 1, rank_bundle(step, 1));
  return finalize_checkpoint(run, step, 2, eval);
}

// The message of the InputError that `f` throws.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline void flip_byte(const std::string& path, std::streamoff offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(offset);
  f.write(&c, 1);
}

inline void truncate_file(const std::string& path, std::uintmax_t size) { fs::resize_file(path, size); }

// The Python with torch that interop tests use (tests/test_paths.h), or "".
inline std::string python_with_torch() {
  const std::string python = recur::testing::python();
  if (!fs::exists(python)) return "";
  std::string probe = python + " -c 'import torch' > /dev/null 2>&1";
  return std::system(probe.c_str()) == 0 ? python : "";
}

// Runs `script` with `python` in `dir`; returns the exit status, output in *log.
inline int run_python(const std::string& python, const std::string& dir, const std::string& script,
                      std::string* log) {
  std::string script_path = (fs::path(dir) / "script.py").string();
  std::string log_path = (fs::path(dir) / "script.log").string();
  std::ofstream(script_path) << script;
  std::string command = "cd '" + dir + "' && " + python + " '" + script_path + "' > '" + log_path + "' 2>&1";
  int status = std::system(command.c_str());
  std::ifstream in(log_path);
  log->assign(std::istreambuf_iterator<char>(in), {});
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace recur::checkpoints::testing
