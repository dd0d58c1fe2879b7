// Train-loader throughput (see loader_bench.h).
#include "trainer/bench/loader_bench.h"

#include <chrono>

#include "common/error.h"
#include "datasets/train_loader.h"

namespace recur::trainer {

LoaderBenchResult run_loader_bench(const Config& config, int64_t batches, const Session& session) {
  using Clock = std::chrono::steady_clock;
  if (batches < 1) throw InputError("--loader-batches", "must be at least 1");
  if (config.data_paths.size() != 1) throw InputError("data_paths", "the loader bench needs exactly one data file");
  LoaderBenchResult r;
  r.path = config.data_paths.front();
  r.global_batch_size = config.global_batch_size;
  r.batches = batches;

  const auto start = Clock::now();
  datasets::TrainLoader loader(r.path, {static_cast<uint64_t>(config.seed), config.global_batch_size,
                                        session.rank(), session.world_size(), config.eval_interval});
  // next() gives nullopt once at the end of each iteration; the following call goes on.
  auto take = [&] {
    if (loader.next()) return;
    if (!loader.next()) throw InputError(r.path, "the train split gives no batch of this size");
  };
  take();
  const auto first = Clock::now();
  for (int64_t i = 0; i < batches; ++i) take();
  const double seconds = std::chrono::duration<double>(Clock::now() - first).count();
  r.first_batch_ms = 1000.0 * std::chrono::duration<double>(first - start).count();
  r.batches_per_s = static_cast<double>(batches) / seconds;
  r.samples_per_s = r.batches_per_s * static_cast<double>(config.global_batch_size);
  return r;
}

nlohmann::json loader_result_json(const LoaderBenchResult& r) {
  return {{"loader_samples_per_s", r.samples_per_s}, {"loader_batches_per_s", r.batches_per_s},
          {"first_batch_ms", r.first_batch_ms},      {"batches", r.batches},
          {"global_batch_size", r.global_batch_size}, {"data_path", r.path}};
}

}  // namespace recur::trainer
