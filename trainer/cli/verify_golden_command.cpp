// `recur verify-golden`: runs golden/verify.h on each file and prints one line per
// compared quantity (max absolute error, normwise relative error, the tolerance,
// PASS/FAIL), the worst relative error of each kind of quantity, then a summary.
// The same code path as the GoogleTest suites (CPU: trainer_tests; CUDA: gpu_tests).
#include "trainer/cli/verify_golden_command.h"

#include <CLI/CLI.hpp>
#include <torch/cuda.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "trainer/golden/verify.h"

namespace recur::trainer {
namespace {

struct VerifyArgs {
  std::vector<std::string> files;
  std::string device = "cpu";
  std::string dtype = "float32";
};

// The kind of a check: the part of its name after the step group ("outputs",
// "carry", "grads", "metrics", "loss", ...), or its first part ("replay", "end_to_end").
std::string check_kind(const std::string& name) {
  for (const std::string lead : {"replay", "end_to_end"})
    if (name.rfind(lead + "/", 0) == 0) return lead;
  const size_t step = name.find("step_");
  if (step == std::string::npos) return name.substr(0, name.find('/'));
  const size_t slash = name.find('/', step);
  if (slash == std::string::npos) return name;
  const std::string rest = name.substr(slash + 1);
  return rest.substr(0, rest.find('/'));
}

// "outputs 1.2e-03, carry 3.4e-04, ...": the largest relative error of each kind.
std::string worst_by_kind(const std::vector<Check>& checks) {
  std::map<std::string, double> worst;
  for (const Check& c : checks) {
    if (c.mode != CheckMode::kRelative) continue;
    double& w = worst[check_kind(c.name)];
    w = std::max(w, c.rel);
  }
  std::string out;
  for (const auto& [kind, rel] : worst) {
    char item[96];
    std::snprintf(item, sizeof item, "%s%s %.1e", out.empty() ? "" : ", ", kind.c_str(), rel);
    out += item;
  }
  return out;
}

// Returns whether every check passed; prints the report.
bool run_one(const std::string& path, const GoldenOptions& options, const std::string& label) {
  const GoldenReport report = verify_golden(path, options);
  std::cout << path << " (" << report.kind << ", " << label << ")\n";
  int failed = 0;
  for (const auto& check : report.checks) {
    std::cout << "  " << format_check(check) << "\n";
    failed += check.pass ? 0 : 1;
  }
  const std::string worst = worst_by_kind(report.checks);
  if (!worst.empty()) std::cout << "  worst relative error by kind: " << worst << "\n";
  std::cout << "  " << report.checks.size() << " checks, "
            << (failed == 0 ? std::string("all PASS") : std::to_string(failed) + " FAIL") << "\n";
  return report.passed();
}

GoldenOptions golden_options(const VerifyArgs& args) {
  GoldenOptions options;
  if (args.device == "cuda") {
    if (!torch::cuda::is_available()) throw InputError("--device", "cuda was asked for, but no CUDA device is visible");
    options.device = torch::Device(torch::kCUDA, 0);
  }
  options.dtype = args.dtype == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
  return options;
}

}  // namespace

void add_verify_golden_command(CLI::App& app) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify-golden",
      "Check this build against golden fixtures (reference numbers of the official Python code, "
      "tests/golden/*.h5 and tests/golden/urm/*.h5, copied from ../shared/golden): exit 0 if every "
      "quantity is within the fixtures' README tolerance, 1 if not");
  cmd->add_option("files", args->files, "golden fixture files (.h5)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--device", args->device, "where the model runs")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--dtype", args->dtype,
                  "the model's forward dtype; bfloat16 checks against provisional bf16 bounds (docs/gpu.md)")
      ->check(CLI::IsMember({"float32", "bfloat16"}))
      ->capture_default_str();
  cmd->callback([args] {
    const GoldenOptions options = golden_options(*args);
    const std::string label = args->device + ", " + args->dtype;
    bool all_pass = true;
    for (const auto& path : args->files) all_pass = run_one(path, options, label) && all_pass;
    if (!all_pass) throw CLI::RuntimeError(1);
  });
}

}  // namespace recur::trainer
