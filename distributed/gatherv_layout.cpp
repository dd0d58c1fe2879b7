// The all_gatherv layout exchange (see gatherv_layout.h).
#include "distributed/gatherv_layout.h"

#include <stdexcept>
#include <string>

namespace recur::distributed {
namespace {

// Header per rank: [rows, dtype, dim, key of the row shape]. All but rows must agree.
constexpr int kHeader = 4;

int64_t elements_per_row(const torch::Tensor& t) {
  int64_t n = 1;
  for (int64_t d = 1; d < t.dim(); ++d) n *= t.size(d);
  return n;
}

int64_t row_shape_key(const torch::Tensor& t) {
  int64_t key = 0;
  for (int64_t d = 1; d < t.dim(); ++d) key = key * 1000003 + t.size(d) + 1;
  return key;
}

// "Float [*, 512]": what the ranks must agree on.
std::string row_description(const torch::Tensor& t) {
  std::string out = std::string(c10::toString(t.scalar_type())) + " [*";
  for (int64_t d = 1; d < t.dim(); ++d) out += ", " + std::to_string(t.size(d));
  return out + "]";
}

}  // namespace

GathervLayout agree_gatherv_layout(Communicator& host, const torch::Tensor& t, std::string_view name) {
  auto header = torch::tensor({t.size(0), static_cast<int64_t>(t.scalar_type()), t.dim(), row_shape_key(t)},
                              torch::kLong);
  auto all = host.all_gather(header, name).view({-1, kHeader});
  auto* h = all.data_ptr<int64_t>();
  const int world = host.world_size();
  const int me = host.rank();
  for (int r = 0; r < world; ++r) {
    for (int field = 1; field < kHeader; ++field) {
      if (h[r * kHeader + field] != h[me * kHeader + field])
        throw std::invalid_argument("all_gatherv '" + std::string(name) + "': rank " + std::to_string(r) +
                                    " has another dtype or row shape than rank " + std::to_string(me) + " (" +
                                    row_description(t) + ")");
    }
  }
  GathervLayout layout;
  layout.row_bytes = elements_per_row(t) * static_cast<int64_t>(t.element_size());
  int64_t total = 0;
  for (int r = 0; r < world; ++r) {
    layout.rows.push_back(h[r * kHeader]);
    layout.first_row.push_back(total);
    total += h[r * kHeader];
  }
  layout.result_sizes = t.sizes().vec();
  layout.result_sizes[0] = total;
  return layout;
}

}  // namespace recur::distributed
