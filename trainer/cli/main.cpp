// recur: the one binary. Parses the command line with CLI11, runs the chosen
// subcommand, and turns every failure into a message and an exit code.
//
// Conventions for commands (design.md):
// - Each command lives in trainer/cli/<name>_command.{h,cpp} and exposes
//   `void add_<name>_command(CLI::App& app)`, which adds the subcommand, its
//   options (with help text) and a callback doing the work. main calls each
//   add_ function once, below.
// - A user input error (bad file, key or value) is a recur::InputError:
//   printed as one line `recur: error: <where>: <what>`, exit 2.
// - Usage errors found by CLI11 (unknown command or option, missing argument)
//   print CLI11's message as `recur: error: ...`, exit 2. --help and
//   --version print to stdout and exit 0.
// - A command that must end with a specific status (75 after a clean stop on
//   a signal with a checkpoint written) throws CLI::RuntimeError(status);
//   main returns that status and prints nothing more.
// - Anything else thrown is a runtime failure: `recur: error: <what>`, exit 1;
//   running out of GPU memory says that the batch is too large for the card.
// Nothing escapes main: no uncaught exception, no abort, no stack dump.
#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <string>

#include "common/error.h"
#include "common/h5_handle.h"
#include "distributed/rank_info.h"
#include "trainer/cli/bench_command.h"
#include "trainer/cli/data_command.h"
#include "trainer/cli/eval_command.h"
#include "trainer/cli/export_command.h"
#include "trainer/cli/inspect_command.h"
#include "trainer/cli/report_command.h"
#include "trainer/cli/predict_command.h"
#include "trainer/cli/train_command.h"
#include "trainer/cli/verify_golden_command.h"
#include "trainer/cli/version.h"
#include "trainer/runtime/blas_check.h"
#include "trainer/runtime/out_of_memory.h"

namespace {

// CLI11 errors as one line that says where to find the usage.
std::string usage_error_message(const CLI::App* app, const CLI::Error& error) {
  std::string help = "recur";
  for (const CLI::App* command = app; !command->get_subcommands().empty();) {
    command = command->get_subcommands().front();
    help += " " + command->get_name();
  }
  return "recur: error: " + std::string(error.what()) + " (see '" + help + " --help')\n";
}

int fail(const std::string& message, int status) {
  std::cerr << "recur: error: " << message << "\n";
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  recur::h5_skip_cleanup_at_exit();  // first: a failed write must not crash the exit
  CLI::App app{"recur: train tiny recursive reasoning models (TRM, HRM, URM)"};
  app.set_version_flag("--version", recur::trainer::version_string());
  // At most one command; none is handled after parsing, so that a mistyped
  // command is reported as such ("not expected: trian") rather than as missing.
  app.require_subcommand(0, 1);
  app.failure_message(usage_error_message);
  recur::trainer::add_train_command(app);
  recur::trainer::add_data_command(app);
  recur::trainer::add_eval_command(app);
  recur::trainer::add_predict_command(app);
  recur::trainer::add_inspect_command(app);
  recur::trainer::add_export_command(app);
  recur::trainer::add_verify_golden_command(app);
  recur::trainer::add_bench_command(app);
  recur::trainer::add_report_command(app);

  try {
    // Logs go to stderr: stdout carries results (--print-config YAML, eval JSON).
    spdlog::set_default_logger(spdlog::stderr_color_mt("recur"));
    // Every rank on a node loads the same BLAS: one warning per node is enough.
    if (recur::distributed::rank_info_from_env().local_rank == 0)
      recur::trainer::warn_if_reference_blas();
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::cerr << app.help();
      return 2;
    }
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const recur::InputError& e) {
    return fail(e.what(), 2);
  } catch (const c10::OutOfMemoryError& e) {
    return fail(recur::trainer::out_of_memory_message(e), 1);
  } catch (const c10::Error& e) {
    return fail(e.what_without_backtrace(), 1);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  } catch (...) {
    return fail("unexpected failure (unknown exception)", 1);
  }
  return 0;
}
