// The in-order, padded test loader (see test_loader.h).
#include "datasets/test_loader.h"

#include <algorithm>

#include "datasets/h5_io.h"
#include "datasets/loader_options.h"
#include "datasets/prefetcher.h"
#include "datasets/puzzle_row_reader.h"

namespace recur::datasets {

struct TestLoader::State {
  TestLoaderOptions options;
  PuzzleMetadata meta;
  SplitIndex index;
  PuzzleRowReader reader;
  int64_t local_rows;
  int64_t batches;
  int64_t produced = 0;  // touched only by the prefetch thread while it runs
  std::unique_ptr<Prefetcher<std::optional<Batch>>> prefetcher;

  State(const std::string& path, const TestLoaderOptions& o)
      : options(o),
        meta(read_puzzle_metadata(path)),
        index(read_split_index(path, Split::kTest)),
        reader(meta, Split::kTest),
        local_rows(o.global_batch_size / o.world_size),
        batches((meta.test.total_examples + o.global_batch_size - 1) / o.global_batch_size) {}

  Batch read_batch(int64_t b) {
    const int64_t total = index.num_examples();
    const int64_t global_first = b * options.global_batch_size;
    const int64_t first = global_first + options.rank * local_rows;
    Batch batch;
    batch.rows = local_rows;
    batch.seq_len = meta.seq_len;
    batch.global_real_rows = std::min(options.global_batch_size, total - global_first);
    batch.real_rows = std::clamp<int64_t>(total - first, 0, local_rows);
    batch.inputs.assign(local_rows * meta.seq_len, static_cast<int32_t>(meta.pad_id));
    batch.labels.assign(batch.inputs.size(), kIgnoreLabel);
    batch.puzzle_identifiers.assign(local_rows, static_cast<int32_t>(meta.blank_identifier_id));
    if (batch.real_rows > 0) reader.read_range(first, batch.real_rows, batch.inputs.data(), batch.labels.data());
    const auto& offsets = index.puzzle_indices;
    size_t puzzle = std::upper_bound(offsets.begin(), offsets.end(), first) - offsets.begin() - 1;
    for (int64_t k = 0; k < batch.real_rows; ++k) {
      while (first + k >= offsets[puzzle + 1]) ++puzzle;
      batch.puzzle_identifiers[k] = index.puzzle_identifiers[puzzle];
    }
    return batch;
  }

  // Runs on the prefetch thread: the batches of one pass, then nullopt.
  bool produce(std::optional<Batch>& item) {
    if (produced == batches) return false;  // item stays nullopt: the end of the pass
    item = read_batch(produced++);
    return true;
  }

  void start() {
    produced = 0;
    prefetcher = std::make_unique<Prefetcher<std::optional<Batch>>>(
        options.prefetch_batches, [this](std::optional<Batch>& i) { return produce(i); }, h5_is_thread_safe());
  }
};

TestLoader::TestLoader(const std::string& path, const TestLoaderOptions& options) {
  check_batch_slicing(options.global_batch_size, options.rank, options.world_size);
  state_ = std::make_unique<State>(path, options);
  state_->start();
}

TestLoader::~TestLoader() = default;

std::optional<Batch> TestLoader::next() {
  if (!state_->prefetcher) return std::nullopt;
  std::optional<Batch> item = state_->prefetcher->pop();
  if (!item) state_->prefetcher.reset();  // the pass is over; the thread has exited
  return item;
}

void TestLoader::reset() {
  state_->prefetcher.reset();
  state_->start();
}

int64_t TestLoader::num_batches() const { return state_->batches; }

const PuzzleMetadata& TestLoader::metadata() const { return state_->meta; }

}  // namespace recur::datasets
