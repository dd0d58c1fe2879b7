// Runtime set-up: torch thread counts per rank and reference-BLAS detection.
#include <gtest/gtest.h>

#include "common/libtorch.h"
#include "trainer/runtime/blas_check.h"
#include "trainer/runtime/threads.h"

namespace recur::trainer {
namespace {

TEST(Threads, DefaultSplitsTheNodeAmongItsRanks) {
  EXPECT_EQ(default_thread_count({16, 16}, 1), 16);
  EXPECT_EQ(default_thread_count({16, 16}, 4), 4);
  EXPECT_EQ(default_thread_count({16, 16}, 5), 3);
  EXPECT_EQ(default_thread_count({2, 2}, 4), 1);  // never 0
}

TEST(Threads, ALauncherPinnedSubsetIsThisRanksShare) {
  EXPECT_EQ(default_thread_count({4, 16}, 4), 4);
  EXPECT_EQ(default_thread_count({1, 16}, 8), 1);
}

TEST(Threads, CpuCountsAreConsistent) {
  const CpuCounts cpus = cpu_counts();
  EXPECT_GE(cpus.usable, 1);
  EXPECT_LE(cpus.usable, cpus.online);
}

TEST(Threads, ConfigureSetsTorchThreads) {
  EXPECT_EQ(configure_threads(2, 1), 2);
  EXPECT_EQ(torch::get_num_threads(), 2);
  EXPECT_EQ(torch::get_num_interop_threads(), 1);
  EXPECT_EQ(configure_threads(0, 1), default_thread_count(cpu_counts(), 1));
  EXPECT_EQ(configure_threads(1, 1), 1);  // tests run single-threaded from here on
}

TEST(BlasCheck, ClassifiesLibrariesByTheirResolvedPath) {
  EXPECT_EQ(classify_blas_library("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"), BlasKind::reference);
  EXPECT_EQ(classify_blas_library("/usr/lib64/libblas.so.3"), BlasKind::reference);
  EXPECT_EQ(classify_blas_library("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3"),
            BlasKind::optimized);
  EXPECT_EQ(classify_blas_library("/usr/lib/x86_64-linux-gnu/libopenblasp-r0.3.21.so"), BlasKind::optimized);
  EXPECT_EQ(classify_blas_library("/opt/intel/mkl/lib/libmkl_rt.so.2"), BlasKind::optimized);
  EXPECT_EQ(classify_blas_library("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3"), BlasKind::optimized);
  EXPECT_EQ(classify_blas_library("/usr/lib/libflexiblas.so.3"), BlasKind::unknown);
}

TEST(BlasCheck, DetectionNamesTheLibraryProvidingSgemm) {
  const BlasLibrary blas = detect_blas();
  ASSERT_FALSE(blas.path.empty());
  if (blas.path.front() == '/') EXPECT_EQ(blas.kind, classify_blas_library(blas.path));
}

}  // namespace
}  // namespace recur::trainer
