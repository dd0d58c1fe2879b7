// Held-out Sudoku and Maze samples (see samples_evaluator.h).
#include "trainer/eval/samples_evaluator.h"

#include <filesystem>

#include "checkpoints/atomic_file.h"
#include "common/error.h"
#include "datasets/puzzle_row_reader.h"
#include "trainer/train/run_dir.h"

namespace recur::trainer {
namespace {

// Token -> cell character: Sudoku tokens are value + 1 (blank 1), maze
// tokens 1..5 are "# SGo" (datasets/sudoku_builder.h, maze_builder.h).
char sample_cell(const std::string& kind, int32_t token) {
  if (kind == "sudoku") return token == 1 ? '.' : token >= 2 && token <= 10 ? static_cast<char>('0' + token - 1) : '?';
  static const char kMazeCells[] = "# SGo";
  return token >= 1 && token <= 5 ? kMazeCells[token - 1] : '?';
}

std::string sample_cells(const std::string& kind, const int32_t* tokens, int64_t n) {
  std::string cells(static_cast<size_t>(n), '?');
  for (int64_t i = 0; i < n; ++i) cells[static_cast<size_t>(i)] = sample_cell(kind, tokens[i]);
  return cells;
}

// "sudoku" or "maze", from the command that built the file.
std::string sample_kind(const EvalDataset& data) {
  const nlohmann::json builder = nlohmann::json::parse(data.metadata.builder_json, nullptr, false);
  const std::string command = builder.is_object() ? builder.value("command", "") : "";
  if (command == "recur data sudoku") return "sudoku";
  if (command == "recur data maze") return "maze";
  throw InputError(data.path, "the samples evaluator draws Sudoku and Maze puzzles; this file was built by '" +
                                  (command.empty() ? std::string("an unknown builder") : command) +
                                  "' (ARC runs use the arc evaluator)");
}

}  // namespace

SamplesEvaluator::SamplesEvaluator(std::string kind, int64_t total, std::vector<SamplePuzzle> puzzles)
    : kind_(std::move(kind)), total_(total), puzzles_(std::move(puzzles)) {
  for (size_t i = 0; i < puzzles_.size(); ++i) by_input_.emplace(puzzles_[i].input, i);
}

std::unique_ptr<Evaluator> SamplesEvaluator::make(const EvaluatorConfig& config, const EvalDataset& data) {
  const std::string kind = sample_kind(data);
  const int64_t total = datasets::read_split_index(data.path, datasets::Split::kTest).num_examples();
  const int64_t n = std::min(config.saved_samples, total), seq_len = data.metadata.seq_len;
  std::vector<int32_t> inputs(static_cast<size_t>(n * seq_len)), labels(inputs.size());
  if (n > 0) datasets::PuzzleRowReader(data.metadata, datasets::Split::kTest).read_range(0, n, inputs.data(), labels.data());
  std::vector<SamplePuzzle> puzzles;
  for (int64_t i = 0; i < n; ++i) {
    puzzles.push_back({i, sample_cells(kind, inputs.data() + i * seq_len, seq_len),
                       sample_cells(kind, labels.data() + i * seq_len, seq_len)});
  }
  return std::make_unique<SamplesEvaluator>(kind, total, std::move(puzzles));
}

void SamplesEvaluator::begin() {
  local_.clear();
  answers_.clear();
}

void SamplesEvaluator::consume(const EvalBatch& b) {
  if (by_input_.empty()) return;
  const int64_t rows = b.inputs.size(0), seq_len = b.inputs.size(1);
  const int32_t* inputs = b.inputs.data_ptr<int32_t>();
  const int32_t* preds = b.predictions.data_ptr<int32_t>();
  // Rows are matched by their cells: Sudoku and maze rows all carry the blank
  // identifier, and a padding row (all pad tokens) matches no puzzle.
  for (int64_t i = 0; i < rows; ++i) {
    const auto [first, last] = by_input_.equal_range(sample_cells(kind_, inputs + i * seq_len, seq_len));
    for (auto it = first; it != last; ++it) local_[it->second] = sample_cells(kind_, preds + i * seq_len, seq_len);
  }
}

std::vector<uint8_t> SamplesEvaluator::local_bytes() const {
  nlohmann::json answers = nlohmann::json::object();
  for (const auto& [slot, answer] : local_) answers[std::to_string(slot)] = answer;
  const std::string text = answers.dump();
  return {text.begin(), text.end()};
}

void SamplesEvaluator::absorb(const std::vector<uint8_t>& bytes) {
  const nlohmann::json answers = nlohmann::json::parse(bytes.begin(), bytes.end());  // named: items() keeps a reference
  for (const auto& [slot, answer] : answers.items()) answers_[std::stoul(slot)] = answer.get<std::string>();
}

nlohmann::json SamplesEvaluator::samples(int64_t step) const {
  nlohmann::json puzzles = nlohmann::json::array();
  for (size_t i = 0; i < puzzles_.size(); ++i) {
    const auto answer = answers_.find(i);
    if (answer == answers_.end()) continue;  // not among the rows evaluated
    puzzles.push_back({{"index", puzzles_[i].index}, {"input", puzzles_[i].input},
                       {"truth", puzzles_[i].truth}, {"answer", answer->second}});
  }
  return {{"format", "recur-samples"}, {"version", 1}, {"step", step}, {"kind", kind_},
          {"total", total_}, {"puzzles", puzzles}};
}

void SamplesEvaluator::write_outputs(const std::string& dir, int64_t step) const {
  checkpoints::write_text_file_atomically((std::filesystem::path(dir) / "samples.json").string(), samples(step).dump());
}

}  // namespace recur::trainer
