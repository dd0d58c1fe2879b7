// ARC vote table (see arc_votes.h).
#include "trainer/eval/arc_votes.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace recur::trainer {
namespace {

// FNV-1a: fast, stable across platforms, and collisions between the few
// thousand distinct grids of one test input are out of the question.
uint64_t fnv1a(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

template <class T>
void put(std::vector<uint8_t>& out, const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

struct Reader {
  const std::vector<uint8_t>& bytes;
  size_t pos = 0;
  template <class T>
  T get() {
    if (pos + sizeof(T) > bytes.size()) throw std::runtime_error("ARC vote table: truncated bytes");
    T v;
    std::memcpy(&v, bytes.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
};

}  // namespace

uint64_t grid_hash(const datasets::Grid& grid) {
  uint64_t h = 14695981039346656037ull;
  int32_t shape[2] = {grid.rows, grid.cols};
  h = fnv1a(h, shape, sizeof shape);
  return fnv1a(h, grid.cells.data(), grid.cells.size());
}

void ArcVotes::add(int32_t task, uint64_t input_hash, const datasets::Grid& prediction, double q) {
  Candidate& c = table_[{task, input_hash}][grid_hash(prediction)];
  if (c.count == 0) c.grid = prediction;
  c.count += 1;
  c.sum_q += q;
}

void ArcVotes::merge(const ArcVotes& other) {
  for (const auto& [key, candidates] : other.table_) {
    Candidates& mine = table_[key];
    for (const auto& [hash, c] : candidates) {
      Candidate& m = mine[hash];
      if (m.count == 0) m.grid = c.grid;
      m.count += c.count;
      m.sum_q += c.sum_q;
    }
  }
}

std::vector<const Candidate*> ArcVotes::ranked(const Key& key) const {
  std::vector<std::pair<uint64_t, const Candidate*>> items;
  auto it = table_.find(key);
  if (it != table_.end()) {
    for (const auto& [hash, c] : it->second) items.emplace_back(hash, &c);
  }
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    if (a.second->count != b.second->count) return a.second->count > b.second->count;
    if (a.second->mean_q() != b.second->mean_q()) return a.second->mean_q() > b.second->mean_q();
    return a.first < b.first;
  });
  std::vector<const Candidate*> out;
  for (const auto& item : items) out.push_back(item.second);
  return out;
}

std::vector<uint8_t> ArcVotes::to_bytes() const {
  std::vector<uint8_t> out;
  for (const auto& [key, candidates] : table_) {
    for (const auto& [hash, c] : candidates) {
      put(out, key.first);
      put(out, key.second);
      put(out, c.count);
      put(out, c.sum_q);
      put(out, static_cast<int32_t>(c.grid.rows));
      put(out, static_cast<int32_t>(c.grid.cols));
      out.insert(out.end(), c.grid.cells.begin(), c.grid.cells.end());
    }
  }
  return out;
}

void ArcVotes::merge_bytes(const std::vector<uint8_t>& bytes) {
  ArcVotes other;
  Reader r{bytes};
  while (r.pos < bytes.size()) {
    const int32_t task = r.get<int32_t>();
    const uint64_t input_hash = r.get<uint64_t>();
    Candidate c;
    c.count = r.get<int64_t>();
    c.sum_q = r.get<double>();
    c.grid.rows = r.get<int32_t>();
    c.grid.cols = r.get<int32_t>();
    const size_t n = static_cast<size_t>(c.grid.rows) * static_cast<size_t>(c.grid.cols);
    if (c.grid.rows < 0 || c.grid.cols < 0 || r.pos + n > bytes.size())
      throw std::runtime_error("ARC vote table: malformed grid");
    c.grid.cells.assign(bytes.begin() + r.pos, bytes.begin() + r.pos + n);
    r.pos += n;
    Candidate& m = other.table_[{task, input_hash}][grid_hash(c.grid)];
    m = c;
  }
  merge(other);
}

}  // namespace recur::trainer
