// main() of the GoogleTest programs run under `mpirun -np N`: starts MPI (also for
// -np 1), runs the tests on every rank, and reports failures from every rank while
// only rank 0 prints the usual progress. A rank that stops early or calls collectives
// out of order trips the watchdog (60 s) instead of hanging the suite.
#include "tests/distributed/mpi_test_main.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "common/libtorch.h"

namespace recur::distributed::mpi_test {
namespace {

std::unique_ptr<MpiRuntime> the_runtime;
std::unique_ptr<MpiCommunicator> the_world;

// On ranks other than 0: print failed assertions only, prefixed with the rank.
class FailurePrinter : public ::testing::EmptyTestEventListener {
 public:
  explicit FailurePrinter(int rank) : rank_(rank) {}
  void OnTestPartResult(const ::testing::TestPartResult& result) override {
    if (result.failed())
      std::fprintf(stderr, "rank %d: %s:%d: failure\n%s\n", rank_, result.file_name() ? result.file_name() : "?",
                   result.line_number(), result.summary());
  }

 private:
  int rank_;
};

}  // namespace

MpiCommunicator& world() { return *the_world; }
const MpiRuntime& runtime() { return *the_runtime; }

}  // namespace recur::distributed::mpi_test

int main(int argc, char** argv) {
  using namespace recur::distributed;
  ::testing::InitGoogleTest(&argc, argv);
  torch::set_num_threads(1);
  mpi_test::the_runtime = std::make_unique<MpiRuntime>(rank_info_from_env(), MpiStart::kAlways);
  mpi_test::the_world = std::make_unique<MpiCommunicator>(/*watchdog_timeout_s=*/60);
  int rank = mpi_test::world().rank();
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
    listeners.Append(new mpi_test::FailurePrinter(rank));
  }
  int failed = RUN_ALL_TESTS();
  mpi_test::the_world.reset();
  mpi_test::the_runtime.reset();
  return failed;
}
