// `recur verify-golden`: runs golden/verify.h on each file and prints one line per
// compared quantity (max absolute error, normwise relative error, the README's
// tolerance, PASS/FAIL), then a summary. The same code path as the GoogleTest suite.
#include "trainer/cli/verify_golden_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "trainer/golden/verify.h"

namespace recur::trainer {
namespace {

// Returns whether every check passed; prints the report.
bool run_one(const std::string& path) {
  const GoldenReport report = verify_golden(path);
  std::cout << path << " (" << report.kind << ")\n";
  int failed = 0;
  for (const auto& check : report.checks) {
    std::cout << "  " << format_check(check) << "\n";
    failed += check.pass ? 0 : 1;
  }
  std::cout << "  " << report.checks.size() << " checks, "
            << (failed == 0 ? std::string("all PASS") : std::to_string(failed) + " FAIL") << "\n";
  return report.passed();
}

}  // namespace

void add_verify_golden_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "verify-golden",
      "Check this build against golden fixtures (reference numbers of the official Python code, "
      "../shared/golden/*.h5): exit 0 if every quantity is within the fixtures' README tolerance, 1 if not");
  cmd->add_option("files", *files, "golden fixture files (.h5)")->required()->check(CLI::ExistingFile);
  cmd->callback([files] {
    bool all_pass = true;
    for (const auto& path : *files) all_pass = run_one(path) && all_pass;
    if (!all_pass) throw CLI::RuntimeError(1);
  });
}

}  // namespace recur::trainer
