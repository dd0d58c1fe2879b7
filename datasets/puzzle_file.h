// The recur puzzle file (HDF5): layout constants and the validated reader.
//
// Layout (design.md, mirroring the reference repos' .npy folders):
//   root attributes  format="recur-puzzles", version=1, vocab_size, seq_len,
//                    pad_id, ignore_label_id, blank_identifier_id,
//                    num_puzzle_identifiers, builder (JSON string)
//   /train, /test    inputs, labels uint8 [N, seq_len] (chunked, deflate),
//                    puzzle_identifiers int32 [P], puzzle_indices int64 [P+1],
//                    group_indices int64 [G+1]; attributes total_groups,
//                    mean_puzzle_examples
//   /identifiers     variable-length strings, "<blank>" at 0
//   /test_puzzles    ARC only: the original test-set tasks as one JSON string
// Hierarchy: a group is one original puzzle, a puzzle one augmented version
// (its own identifier), an example one input/label row.
//
// Every reader validates before it returns, so a malformed, truncated or
// foreign file is one InputError naming the file and what is wrong, never a
// crash deep inside a training run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace recur::datasets {

inline constexpr const char* kPuzzleFormat = "recur-puzzles";
inline constexpr int64_t kPuzzleFormatVersion = 1;
inline constexpr const char* kBlankIdentifier = "<blank>";
// The loss ignores label -100 (PyTorch's default ignore_index).
inline constexpr int32_t kIgnoreLabel = -100;

enum class Split { kTrain, kTest };
const char* split_name(Split split);  // "train" / "test"

struct SplitMetadata {
  int64_t total_groups = 0;
  int64_t total_puzzles = 0;
  int64_t total_examples = 0;
  double mean_puzzle_examples = 0;  // total_examples / total_puzzles
};

struct PuzzleMetadata {
  std::string path;
  int64_t vocab_size = 0;
  int64_t seq_len = 0;
  int64_t pad_id = 0;
  int64_t ignore_label_id = 0;
  int64_t blank_identifier_id = 0;
  int64_t num_puzzle_identifiers = 0;
  std::string builder_json;
  SplitMetadata train;
  SplitMetadata test;
  const SplitMetadata& split(Split s) const { return s == Split::kTrain ? train : test; }
};

// The CSR index of one split: puzzle p owns examples [puzzle_indices[p],
// puzzle_indices[p+1]), group g owns puzzles [group_indices[g], group_indices[g+1]).
struct SplitIndex {
  std::vector<int32_t> puzzle_identifiers;
  std::vector<int64_t> puzzle_indices{0};
  std::vector<int64_t> group_indices{0};
  int64_t num_groups() const { return static_cast<int64_t>(group_indices.size()) - 1; }
  int64_t num_puzzles() const { return static_cast<int64_t>(puzzle_identifiers.size()); }
  int64_t num_examples() const { return puzzle_indices.back(); }
  // The split's counts as stored in the file's attributes.
  SplitMetadata metadata() const {
    return {num_groups(), num_puzzles(), num_examples(),
            num_puzzles() > 0 ? double(num_examples()) / double(num_puzzles()) : 0.0};
  }
};

// True when `path` is an HDF5 file with format = "recur-puzzles" (no other checks).
bool is_puzzle_file(const std::string& path);
// Opens and validates the whole layout: attributes, every dataset's type and
// shape, and the consistency of the counts.
PuzzleMetadata read_puzzle_metadata(const std::string& path);
// Reads and validates a split's index (offsets start at 0, never decrease,
// end at the row/puzzle counts; identifiers within range).
SplitIndex read_split_index(const std::string& path, Split split);
std::vector<std::string> read_identifiers(const std::string& path);
// The /test_puzzles JSON string, or nullopt when the file has none (Sudoku).
std::optional<std::string> read_test_puzzles(const std::string& path);

}  // namespace recur::datasets
