// `recur report`: one self-contained HTML page of a run folder
// (trainer/report/report_page.h); with --print-sample, one held-out puzzle of
// the newest evaluation drawn in the terminal as well.
#include "trainer/cli/report_command.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

#include "checkpoints/atomic_file.h"
#include "trainer/report/report_page.h"
#include "trainer/report/run_folder.h"
#include "trainer/report/terminal_puzzle.h"
#include "trainer/train/run_dir.h"

namespace recur::trainer {
namespace {

struct ReportArgs {
  std::string run_dir;
  std::string out;
  bool print_sample = false;
};

void print_sample(const RunFolder& run) {
  for (auto e = run.evals.rbegin(); e != run.evals.rend(); ++e) {
    const nlohmann::json& s = e->samples;
    if (!s.is_object() || s.value("puzzles", nlohmann::json::array()).empty()) continue;
    std::cout << draw_puzzle(s["puzzles"][0], s.value("kind", ""), stdout_takes_colour());
    return;
  }
  std::cout << "  (no held-out puzzle to draw: the run saved no samples.json)\n";
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Write one self-contained HTML page of a run: facts, curves, evaluations, prediction viewer");
  cmd->add_option("run_dir", args->run_dir, "The run folder (run_dir of `recur train`)")->required();
  cmd->add_option("--out", args->out, "The HTML file to write (default RUN_DIR/report.html)");
  cmd->add_flag("--print-sample", args->print_sample,
                "Also draw one held-out puzzle of the newest evaluation (Sudoku, Maze) in the terminal");
  cmd->callback([args] {
    const auto start = std::chrono::steady_clock::now();
    RunFolder run = read_run_folder(args->run_dir);
    const std::string html = report_html(run);
    const std::string out = args->out.empty() ? args->run_dir + "/report.html" : args->out;
    checkpoints::write_text_file_atomically(out, html);
    if (args->print_sample) print_sample(run);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char size[32];
    std::snprintf(size, sizeof size, "%.1f", static_cast<double>(html.size()) / 1e6);
    std::cout << "report: " << out << " (" << size << " MB, " << run.missing.size() << " thing(s) missing, "
              << static_cast<int>(1000 * seconds) << " ms)" << std::endl;
  });
}

}  // namespace recur::trainer
