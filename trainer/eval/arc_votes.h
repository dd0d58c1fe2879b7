// The ARC vote table: for each (test task, test input), every distinct
// predicted grid with its vote count and summed halting confidence.
//
// Each augmented version of a test input is one vote once its prediction is
// mapped back to the original orientation and colours. Ranks fill their own
// table during an evaluation, serialise it, and rank 0 merges them; with the
// reference's aggregated voting rank 0 keeps merging across evaluations, so
// the table is also saved in checkpoints (to_bytes / merge_bytes).
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "datasets/dihedral.h"

namespace recur::trainer {

// A 64-bit content hash of a grid (shape and cells).
uint64_t grid_hash(const datasets::Grid& grid);

struct Candidate {
  int64_t count = 0;
  double sum_q = 0;  // sum of sigmoid(q_halt) over the votes
  datasets::Grid grid;
  double mean_q() const { return count > 0 ? sum_q / count : 0.0; }
};

class ArcVotes {
 public:
  // (test task index, hash of the original test input) -> predicted grid hash -> candidate.
  using Key = std::pair<int32_t, uint64_t>;
  using Candidates = std::map<uint64_t, Candidate>;

  void add(int32_t task, uint64_t input_hash, const datasets::Grid& prediction, double q);
  void merge(const ArcVotes& other);
  void clear() { table_.clear(); }
  bool empty() const { return table_.empty(); }

  // Candidates of one test input, best first: most votes, then highest mean
  // confidence (the reference's order), then hash (only so ties are stable).
  std::vector<const Candidate*> ranked(const Key& key) const;

  std::vector<uint8_t> to_bytes() const;
  // Adds the votes of a table serialised with to_bytes; malformed bytes throw.
  void merge_bytes(const std::vector<uint8_t>& bytes);

 private:
  std::map<Key, Candidates> table_;
};

}  // namespace recur::trainer
