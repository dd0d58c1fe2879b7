// Is LibTorch about to multiply matrices with the slow reference BLAS?
//
// Debian's LibTorch calls whatever libblas.so.3 the dynamic linker picked. If
// that is the netlib reference implementation (package libblas3, the fallback
// when no optimized BLAS is installed), CPU training runs ~20x slower with no
// other symptom. We ask the dynamic linker which library actually provides
// sgemm_ in this process (so LD_LIBRARY_PATH and update-alternatives are both
// seen) and classify it by its resolved path. LibTorch builds with MKL inside
// (the official x86 packages) use MKL for matmul and are always fine.
#pragma once

#include <string>

namespace recur::trainer {

enum class BlasKind { optimized, reference, unknown };

struct BlasLibrary {
  BlasKind kind;
  std::string path;  // resolved file providing sgemm_, or a description ("MKL in LibTorch")
};

// Classifies a resolved library path: OpenBLAS, MKL, BLIS, ATLAS, Arm PL ->
// optimized; a plain libblas.so* -> reference; anything else -> unknown.
BlasKind classify_blas_library(const std::string& resolved_path);

// The BLAS this process uses.
BlasLibrary detect_blas();

// Logs one warning when detect_blas() finds the reference BLAS; returns whether it did.
bool warn_if_reference_blas();

}  // namespace recur::trainer
