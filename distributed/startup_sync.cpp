// Start-up broadcast and consistency check (see startup_sync.h).
#include "distributed/startup_sync.h"

#include <cstdint>
#include <cstring>

namespace recur::distributed {
namespace {

// A 64-bit checksum over 8-byte words: each step (xor, multiply by an odd constant,
// xor-shift) is a bijection of the state, so two inputs that differ in a single
// word always get different checksums; fast enough for a 2 GB embedding table.
class Checksum {
 public:
  void add(const void* data, size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    size_t i = 0;
    for (; i + 8 <= bytes; i += 8) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      mix(word);
    }
    uint64_t tail = 0;
    if (bytes > i) std::memcpy(&tail, p + i, bytes - i);
    mix(tail ^ (uint64_t(bytes) << 56));
  }
  void add(std::string_view text) { add(text.data(), text.size()); }
  void add(int64_t value) { add(&value, sizeof value); }
  uint64_t value() const { return state_; }

 private:
  void mix(uint64_t word) {
    state_ ^= word;
    state_ *= 0x9E3779B97F4A7C15ull;
    state_ ^= state_ >> 32;
  }
  uint64_t state_ = 0x243F6A8885A308D3ull;
};

int64_t tensor_checksum(const std::string& name, const torch::Tensor& t) {
  Checksum sum;
  sum.add(name);
  sum.add(static_cast<int64_t>(t.scalar_type()));
  sum.add(t.dim());
  for (int64_t size : t.sizes()) sum.add(size);
  auto host = t.is_cpu() ? t.contiguous() : t.to(torch::kCPU).contiguous();
  sum.add(host.data_ptr(), host.nbytes());
  return static_cast<int64_t>(sum.value());
}

// Ranks whose checksum of `item` differs from rank 0's, as "1, 3".
std::string ranks_differing(const torch::Tensor& table, int64_t item) {
  auto sums = table.accessor<int64_t, 2>();  // [rank, item]
  std::string ranks;
  for (int64_t r = 1; r < sums.size(0); ++r)
    if (sums[r][item] != sums[0][item]) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
  return ranks;
}

}  // namespace

std::string broadcast_text_from_rank0(Communicator& comm, const std::string& text, std::string_view name) {
  auto length = torch::tensor({static_cast<int64_t>(text.size())}, torch::kLong);
  comm.broadcast(length, 0, name);
  auto bytes = torch::empty({length.item<int64_t>()}, torch::kUInt8);
  if (comm.rank() == 0 && !text.empty()) std::memcpy(bytes.data_ptr(), text.data(), text.size());
  comm.broadcast(bytes, 0, name);
  return std::string(static_cast<const char*>(bytes.data_ptr()), static_cast<size_t>(bytes.numel()));
}

void broadcast_from_rank0(Communicator& comm, const NamedTensors& tensors) {
  for (const auto& [name, tensor] : tensors) comm.broadcast(tensor, 0, name);
}

void check_consistency(Communicator& comm, std::string_view config_text, const NamedTensors& tensors) {
  const int64_t items = 1 + static_cast<int64_t>(tensors.size());
  auto counts = comm.all_gather(torch::tensor({items}, torch::kLong), "consistency_count");
  for (int64_t r = 1; r < counts.size(0); ++r)
    if (counts[r].item<int64_t>() != counts[0].item<int64_t>())
      throw ConsistencyError("start-up check: rank 0 has " + std::to_string(counts[0].item<int64_t>() - 1) +
                             " tensors, rank " + std::to_string(r) + " has " +
                             std::to_string(counts[r].item<int64_t>() - 1));

  auto sums = torch::empty({1, items}, torch::kLong);
  Checksum config;
  config.add(config_text);
  sums[0][0] = static_cast<int64_t>(config.value());
  for (size_t i = 0; i < tensors.size(); ++i) sums[0][i + 1] = tensor_checksum(tensors[i].first, tensors[i].second);
  auto table = comm.all_gather(sums, "consistency_checksums");  // [world, items]

  for (int64_t item = 0; item < items; ++item) {
    std::string ranks = ranks_differing(table, item);
    if (ranks.empty()) continue;
    std::string what = item == 0 ? "the resolved config" : "tensor '" + tensors[item - 1].first + "'";
    throw ConsistencyError("start-up check: " + what + " differs between rank 0 and rank(s) " + ranks +
                           (item == 0 ? " (same recipe, overrides and data on every rank?)" : ""));
  }
}

}  // namespace recur::distributed
