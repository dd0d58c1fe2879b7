// The prefetching, rank-sliced train loader (see train_loader.h).
#include "datasets/train_loader.h"

#include "common/error.h"
#include "datasets/h5_io.h"
#include "datasets/loader_options.h"
#include "datasets/prefetcher.h"
#include "datasets/puzzle_row_reader.h"
#include "datasets/train_sampler.h"

namespace recur::datasets {

namespace {

struct Item {
  std::optional<Batch> batch;  // nullopt marks the end of an iteration
  LoaderCursor after;          // the cursor once this item is consumed
};

}  // namespace

struct TrainLoader::State {
  TrainLoaderOptions options;
  PuzzleMetadata meta;
  TrainSampler sampler;
  PuzzleRowReader reader;
  int64_t local_rows;
  LoaderCursor produced;  // touched only by the prefetch thread while it runs
  LoaderCursor consumed;
  std::unique_ptr<Prefetcher<Item>> prefetcher;

  State(const std::string& path, const TrainLoaderOptions& o)
      : options(o),
        meta(read_puzzle_metadata(path)),
        sampler(read_split_index(path, Split::kTrain), o.seed, o.global_batch_size, o.epochs_per_iteration),
        reader(meta, Split::kTrain),
        local_rows(o.global_batch_size / o.world_size) {
    consumed = produced = {0, 0, 0, sampler.fingerprint()};
  }

  // Runs on the prefetch thread.
  bool produce(Item& item) {
    std::optional<GlobalBatchPlan> plan = sampler.next(produced);
    item.after = produced;
    if (!plan) return true;
    Batch b;
    b.rows = local_rows;
    b.seq_len = meta.seq_len;
    b.real_rows = local_rows;
    b.global_real_rows = options.global_batch_size;
    b.inputs.resize(local_rows * meta.seq_len);
    b.labels.resize(b.inputs.size());
    const int64_t first = options.rank * local_rows;
    reader.read_rows(plan->rows.data() + first, local_rows, b.inputs.data(), b.labels.data());
    const auto& ids = sampler.index().puzzle_identifiers;
    for (int64_t k = 0; k < local_rows; ++k) b.puzzle_identifiers.push_back(ids[plan->puzzles[first + k]]);
    item.batch = std::move(b);
    return true;  // training data never runs out
  }

  void start() {
    prefetcher = std::make_unique<Prefetcher<Item>>(
        options.prefetch_batches, [this](Item& i) { return produce(i); }, h5_is_thread_safe());
  }
};

TrainLoader::TrainLoader(const std::string& path, const TrainLoaderOptions& options) {
  check_batch_slicing(options.global_batch_size, options.rank, options.world_size);
  if (options.epochs_per_iteration < 1) throw InputError("eval_interval", "epochs per iteration must be at least 1");
  state_ = std::make_unique<State>(path, options);
  if (state_->sampler.index().num_groups() == 0) throw InputError(path, "the train split is empty");
  state_->start();
}

TrainLoader::~TrainLoader() = default;

std::optional<Batch> TrainLoader::next() {
  Item item = state_->prefetcher->pop();
  state_->consumed = item.after;
  return std::move(item.batch);
}

LoaderCursor TrainLoader::cursor() const { return state_->consumed; }

void TrainLoader::restore(const LoaderCursor& cursor) {
  if (cursor.fingerprint != state_->sampler.fingerprint()) {
    throw InputError("loader cursor",
                     "was saved for another dataset or other sampling settings (seed, "
                     "global_batch_size, epochs per iteration): cannot resume it here");
  }
  state_->prefetcher.reset();  // stops the thread before its cursor changes
  state_->produced = state_->consumed = cursor;
  state_->start();
}

const PuzzleMetadata& TrainLoader::metadata() const { return state_->meta; }

int64_t TrainLoader::local_batch_size() const { return state_->local_rows; }

}  // namespace recur::datasets
