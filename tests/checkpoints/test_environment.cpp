// Process-wide test setup: torch on one thread, so runs are deterministic and
// forked writer processes (crash and multi-rank tests) inherit no thread pool.
#include <gtest/gtest.h>

#include "common/libtorch.h"

namespace {

class OneThread : public ::testing::Environment {
 public:
  void SetUp() override { torch::set_num_threads(1); }
};

const auto* const kOneThread = ::testing::AddGlobalTestEnvironment(new OneThread);

}  // namespace
