// Synthetic batches and their shape (see synthetic_data.h).
#include "trainer/bench/synthetic_data.h"

#include <filesystem>

#include "common/error.h"
#include "datasets/puzzle_file.h"

namespace recur::trainer {
namespace {

struct TaskDefault {
  const char* name_part;  // found in the data file's name
  ModelShape shape;
};

constexpr TaskDefault kTaskDefaults[] = {
    {"arc", {12, 900, 1001}},
    {"sudoku", {11, 81, 1}},
    {"maze", {6, 900, 1}},
};

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void apply(int64_t flag, int64_t& value) {
  if (flag > 0) value = flag;
}

}  // namespace

BenchShape resolve_bench_shape(const Config& config, const ShapeOverrides& flags) {
  BenchShape result;
  const std::string path = config.data_paths.empty() ? std::string() : config.data_paths.front();
  if (!path.empty() && std::filesystem::exists(path)) {
    const datasets::PuzzleMetadata meta = datasets::read_puzzle_metadata(path);
    result = {{meta.vocab_size, meta.seq_len, meta.num_puzzle_identifiers}, "data file " + path};
  } else {
    const std::string name = lowercase(std::filesystem::path(path).filename().string());
    for (const TaskDefault& task : kTaskDefaults) {
      if (!name.empty() && name.find(task.name_part) != std::string::npos) {
        result = {task.shape, std::string("defaults for ") + task.name_part};
        break;
      }
    }
  }
  apply(flags.vocab_size, result.model.vocab_size);
  apply(flags.seq_len, result.model.seq_len);
  apply(flags.num_puzzle_identifiers, result.model.num_puzzle_identifiers);
  if (flags.vocab_size > 0 || flags.seq_len > 0 || flags.num_puzzle_identifiers > 0)
    result.source += result.source.empty() ? "flags" : " + flags";
  if (result.model.vocab_size <= 0 || result.model.seq_len <= 0 || result.model.num_puzzle_identifiers <= 0)
    throw InputError(path.empty() ? std::string("data_paths") : path,
                     "no data file and no known task in its name (arc, sudoku, maze): give "
                     "--vocab-size, --seq-len and --num-puzzle-identifiers");
  return result;
}

SyntheticBatches::SyntheticBatches(const ModelShape& shape, int64_t rows, uint64_t seed)
    : shape_(shape), rows_(rows), rng_(seed) {}

datasets::Batch SyntheticBatches::next() {
  datasets::Batch b;
  b.rows = b.real_rows = b.global_real_rows = rows_;
  b.seq_len = shape_.seq_len;
  const auto n = static_cast<size_t>(rows_ * shape_.seq_len);
  std::uniform_int_distribution<int32_t> token(0, static_cast<int32_t>(shape_.vocab_size - 1));
  std::uniform_int_distribution<int32_t> label(std::min<int32_t>(1, static_cast<int32_t>(shape_.vocab_size - 1)),
                                               static_cast<int32_t>(shape_.vocab_size - 1));
  std::uniform_int_distribution<int32_t> puzzle(0, static_cast<int32_t>(shape_.num_puzzle_identifiers - 1));
  b.inputs.resize(n);
  b.labels.resize(n);
  b.puzzle_identifiers.resize(static_cast<size_t>(rows_));
  for (int32_t& v : b.inputs) v = token(rng_);
  for (int32_t& v : b.labels) v = label(rng_);
  for (int32_t& v : b.puzzle_identifiers) v = puzzle(rng_);
  return b;
}

}  // namespace recur::trainer
