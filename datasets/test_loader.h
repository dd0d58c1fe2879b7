// The test (evaluation) loader: every test example once, in file order, in
// global batches sliced per rank, prefetched on a background thread.
//
// The last global batch is padded to full size: padding rows have inputs
// pad_id, labels -100 and puzzle identifier blank_identifier_id, and come
// after the real rows (so Batch::real_rows and global_real_rows tell the
// metrics what to count). reset() starts a new pass (eval runs many times).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "datasets/batch.h"
#include "datasets/puzzle_file.h"

namespace recur::datasets {

struct TestLoaderOptions {
  int64_t global_batch_size = 768;
  int rank = 0;
  int world_size = 1;
  int prefetch_batches = 4;
};

class TestLoader {
 public:
  TestLoader(const std::string& path, const TestLoaderOptions& options);
  ~TestLoader();
  TestLoader(const TestLoader&) = delete;
  TestLoader& operator=(const TestLoader&) = delete;

  // The next batch of this pass, or nullopt when the pass is over.
  std::optional<Batch> next();
  void reset();
  int64_t num_batches() const;  // global batches per pass
  const PuzzleMetadata& metadata() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace recur::datasets
