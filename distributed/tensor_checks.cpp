// Shared argument checks of the communicators (see tensor_checks.h).
#include "distributed/tensor_checks.h"

#include <stdexcept>
#include <string>

namespace recur::distributed {
namespace {

[[noreturn]] void fail(std::string_view name, const std::string& what) {
  throw std::invalid_argument("collective '" + std::string(name) + "': " + what);
}

}  // namespace

void check_defined(const torch::Tensor& t, std::string_view name) {
  if (!t.defined()) fail(name, "undefined tensor");
}

void check_reducible(const torch::Tensor& t, std::string_view name) {
  check_defined(t, name);
  auto type = t.scalar_type();
  if (type != torch::kFloat && type != torch::kDouble && type != torch::kInt && type != torch::kLong)
    fail(name, std::string("sum of ") + c10::toString(type) +
                   " is not supported (float32, float64, int32, int64)");
}

void check_gatherable(const torch::Tensor& t, std::string_view name) {
  check_defined(t, name);
  if (t.dim() == 0) fail(name, "gathering needs a tensor with at least one dimension");
}

void check_root(int root, int world_size, std::string_view name) {
  if (root < 0 || root >= world_size)
    fail(name, "root " + std::to_string(root) + " outside world size " + std::to_string(world_size));
}

void copy_back(const torch::Tensor& t, const torch::Tensor& work) {
  if (work.is_same(t)) return;
  torch::NoGradGuard no_grad;
  t.copy_(work);
}

}  // namespace recur::distributed
