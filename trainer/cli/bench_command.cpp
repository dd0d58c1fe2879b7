// `recur bench`: options, session start-up and the JSON line (see bench_command.h).
//
// The last stdout line (rank 0) is one JSON object; a human summary goes to the log
// (stderr). `mpirun -np K recur bench ...` benchmarks K ranks, each on its share of
// the cores, like `recur train`.
#include "trainer/cli/bench_command.h"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "trainer/bench/bench_run.h"
#include "trainer/bench/loader_bench.h"
#include "trainer/config/config_loader.h"
#include "trainer/runtime/determinism.h"
#include "trainer/train/session.h"

namespace recur::trainer {
namespace {

struct BenchArgs {
  std::string recipe;
  std::vector<std::string> overrides;
  BenchOptions options;
  bool loader = false;
  int64_t loader_batches = 200;
};

void print_on_rank0(const Session& session, const nlohmann::json& row) {
  if (session.is_rank0()) std::cout << row.dump() << std::endl;
}

void run(const BenchArgs& args) {
  const Config config = load_config(args.recipe, args.overrides);
  Session session = start_session(config.device, config.threads, config.watchdog_first_step_timeout_s);
  apply_determinism(config.deterministic);
  if (args.loader) {
    const LoaderBenchResult r = run_loader_bench(config, args.loader_batches, session);
    spdlog::info("loader: {:.0f} samples/s ({:.1f} batches/s of {}), first batch {:.0f} ms", r.samples_per_s,
                 r.batches_per_s, r.global_batch_size, r.first_batch_ms);
    print_on_rank0(session, loader_result_json(r));
    return;
  }
  const BenchResult r = run_bench(config, args.options, session);
  if (session.is_rank0() && r.eval)
    spdlog::info("bench --eval: {:.2f} examples/s, {:.1f} ms per batch of {} ({} ACT steps), MFU {:.1f}%, "
                 "peak memory {:.0f} MB",
                 r.samples_per_s, r.ms_per_step, r.global_batch_size, config.arch.halt_max_steps, 100 * r.mfu,
                 r.peak_mem_mb);
  else if (session.is_rank0())
    spdlog::info("bench: {} samples/s, {:.1f} ms/step, {:.1f} GFLOP/s of {:.1f} peak ({}): MFU {:.1f}%, "
                 "peak memory {:.0f} MB, all-reduce {:.1f}%, data {:.1f}% (batch {}, {} rank(s) x {} thread(s), "
                 "shape from {})",
                 static_cast<int64_t>(r.samples_per_s), r.ms_per_step, r.achieved_flops / 1e9, r.peak_flops / 1e9,
                 r.forward_dtype, 100 * r.mfu, r.peak_mem_mb, 100 * r.allreduce_share, 100 * r.data_wait_share,
                 r.global_batch_size, r.world_size, r.threads, r.shape.source);
  if (session.is_rank0() && r.profile) {
    std::string lines;
    for (size_t i = 0; i < kProfileLineKeys.size(); ++i)
      lines += fmt::format("{}{} {:.1f}%", i ? ", " : "", kProfileLineKeys[i],
                           100 * r.profile->share(static_cast<ProfileLine>(i)));
    spdlog::info("profile: {}", lines);
  }
  print_on_rank0(session, bench_result_json(r));
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  BenchOptions& o = args->options;
  CLI::App* cmd = app.add_subcommand(
      "bench", "Time training steps of a recipe on synthetic data; prints one JSON object (MFU, memory, shares)");
  cmd->add_option("recipe", args->recipe, "Recipe file, e.g. recipes/trm-sudoku-mlp.yaml")->required();
  cmd->add_option("overrides", args->overrides, "Config overrides key=value, e.g. global_batch_size=32");
  cmd->add_option("--steps", o.steps, "Timed training steps")->capture_default_str();
  cmd->add_option("--warmup", o.warmup_steps, "Untimed training steps first")->capture_default_str();
  cmd->add_option("--vocab-size", o.shape.vocab_size, "Vocabulary size (default: data file, else task default)");
  cmd->add_option("--seq-len", o.shape.seq_len, "Grid tokens per example (default: data file, else task default)");
  cmd->add_option("--num-puzzle-identifiers", o.shape.num_puzzle_identifiers,
                  "Puzzle-embedding rows (default: data file, else task default)");
  cmd->add_option("--peak-size", o.peak_matrix_size, "n of the n x n x n matmul that measures the peak")
      ->capture_default_str();
  cmd->add_option("--peak-seconds", o.peak_seconds, "Seconds spent measuring the peak")->capture_default_str();
  cmd->add_flag("--eval", o.eval,
                "Time the evaluation loop instead (every ACT step, EMA weights): eval_examples_per_s");
  cmd->add_flag("--profile", o.profile,
                "Break the timed steps down: shares of matmuls, attention, element-wise, loss, optimizers, "
                "allocation, data, all-reduce");
  cmd->add_flag("--loader", args->loader, "Measure the train loader on the recipe's data file instead");
  cmd->add_option("--loader-batches", args->loader_batches, "Batches the loader bench times")->capture_default_str();
  cmd->footer("Synthetic data shapes: from the recipe's data file when it exists, else the task's defaults\n"
              "(arc, sudoku or maze in the file name); the flags override either. See docs/benchmarks.md.");
  cmd->callback([args] { run(*args); });
}

}  // namespace recur::trainer
