// MPI collectives on host memory (see mpi_communicator.h).
#include "distributed/mpi_communicator.h"

#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

#include "distributed/gatherv_layout.h"
#include "distributed/tensor_checks.h"

namespace recur::distributed {
namespace {

// MPI counts are int: big tensors move in pieces of at most this many elements.
constexpr int64_t kMaxCount = int64_t(1) << 30;

MPI_Comm duplicate_world() {
  MPI_Comm comm;
  MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  return comm;
}

MPI_Datatype sum_type(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat: return MPI_FLOAT;
    case torch::kDouble: return MPI_DOUBLE;
    case torch::kInt: return MPI_INT32_T;
    case torch::kLong: return MPI_INT64_T;
    default: throw std::logic_error("sum_type: unchecked dtype");
  }
}

// The tensor itself when MPI can use its memory, else a contiguous CPU copy.
torch::Tensor host_copy(const torch::Tensor& t) {
  return t.is_cpu() ? t.contiguous() : t.to(torch::kCPU).contiguous();
}

int checked_count(int64_t bytes, std::string_view name) {
  if (bytes > INT_MAX)
    throw std::invalid_argument("collective '" + std::string(name) + "': " + std::to_string(bytes) +
                                " bytes per rank exceed one MPI gather (2 GiB)");
  return static_cast<int>(bytes);
}

}  // namespace

MpiCommunicator::MpiCommunicator(double watchdog_timeout_s)
    : comm_(duplicate_world()), watchdog_(MPI_COMM_WORLD, watchdog_timeout_s) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

MpiCommunicator::~MpiCommunicator() { MPI_Comm_free(&comm_); }

void MpiCommunicator::all_reduce_sum(const torch::Tensor& t, std::string_view name) {
  check_reducible(t, name);
  auto host = host_copy(t);
  auto* data = static_cast<char*>(host.data_ptr());
  const int64_t n = host.numel();
  const int64_t item = host.element_size();
  {
    auto watched = watchdog_.enter("all_reduce", name);
    for (int64_t first = 0; first < n; first += kMaxCount) {
      int count = static_cast<int>(std::min(kMaxCount, n - first));
      MPI_Allreduce(MPI_IN_PLACE, data + first * item, count, sum_type(host.scalar_type()), MPI_SUM, comm_);
    }
  }
  copy_back(t, host);
}

torch::Tensor MpiCommunicator::all_gather(const torch::Tensor& t, std::string_view name) {
  check_gatherable(t, name);
  auto host = host_copy(t);
  auto sizes = host.sizes().vec();
  sizes[0] *= size_;
  auto result = torch::empty(sizes, host.options());
  int bytes = checked_count(static_cast<int64_t>(host.nbytes()), name);
  {
    auto watched = watchdog_.enter("all_gather", name);
    MPI_Allgather(host.data_ptr(), bytes, MPI_BYTE, result.data_ptr(), bytes, MPI_BYTE, comm_);
  }
  return result.to(t.device());
}

torch::Tensor MpiCommunicator::all_gatherv(const torch::Tensor& t, std::string_view name) {
  check_gatherable(t, name);
  auto host = host_copy(t);
  auto watched = watchdog_.enter("all_gatherv", name);
  GathervLayout layout = agree_gatherv_layout(*this, host, name);
  std::vector<int> counts, displacements;
  for (int r = 0; r < size_; ++r) {
    counts.push_back(checked_count(layout.rows[r] * layout.row_bytes, name));
    displacements.push_back(checked_count(layout.first_row[r] * layout.row_bytes, name));
  }
  auto result = torch::empty(layout.result_sizes, host.options());
  MPI_Allgatherv(host.data_ptr(), counts[rank_], MPI_BYTE, result.data_ptr(), counts.data(),
                 displacements.data(), MPI_BYTE, comm_);
  return result.to(t.device());
}

void MpiCommunicator::broadcast(const torch::Tensor& t, int root, std::string_view name) {
  check_defined(t, name);
  check_root(root, size_, name);
  auto host = host_copy(t);
  auto* data = static_cast<char*>(host.data_ptr());
  const int64_t bytes = static_cast<int64_t>(host.nbytes());
  {
    auto watched = watchdog_.enter("broadcast", name);
    for (int64_t first = 0; first < bytes; first += kMaxCount)
      MPI_Bcast(data + first, static_cast<int>(std::min(kMaxCount, bytes - first)), MPI_BYTE, root, comm_);
  }
  copy_back(t, host);
}

void MpiCommunicator::barrier(std::string_view name) {
  auto watched = watchdog_.enter("barrier", name);
  MPI_Barrier(comm_);
}

bool MpiCommunicator::agree_any(bool flag, std::string_view name) {
  int any = flag ? 1 : 0;
  auto watched = watchdog_.enter("agree_any", name);
  MPI_Allreduce(MPI_IN_PLACE, &any, 1, MPI_INT, MPI_LOR, comm_);
  return any != 0;
}

}  // namespace recur::distributed
