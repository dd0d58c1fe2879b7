// `recur bench RECIPE [key=value ...]`: training speed, MFU and memory of a recipe
// on synthetic data (trainer/bench/bench_run.h), or with --loader the train
// loader's throughput on the recipe's data file (trainer/bench/loader_bench.h).
#pragma once

namespace CLI {
class App;
}

namespace recur::trainer {

// Adds the `bench` subcommand (see main.cpp for the command conventions).
void add_bench_command(CLI::App& app);

}  // namespace recur::trainer
