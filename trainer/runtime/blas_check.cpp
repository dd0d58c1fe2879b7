// Reference-BLAS detection (see header).
#include "trainer/runtime/blas_check.h"

#include <dlfcn.h>

#include <filesystem>

#include <ATen/Context.h>
#include <spdlog/spdlog.h>

namespace recur::trainer {

BlasKind classify_blas_library(const std::string& resolved_path) {
  for (const char* marker : {"openblas", "mkl", "blis", "atlas", "armpl"})
    if (resolved_path.find(marker) != std::string::npos) return BlasKind::optimized;
  const std::string file = std::filesystem::path(resolved_path).filename().string();
  if (file.rfind("libblas.so", 0) == 0) return BlasKind::reference;
  return BlasKind::unknown;
}

BlasLibrary detect_blas() {
  if (at::hasMKL()) return {BlasKind::optimized, "MKL in LibTorch"};
  void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
  Dl_info info;
  if (sgemm == nullptr || dladdr(sgemm, &info) == 0 || info.dli_fname == nullptr)
    return {BlasKind::unknown, "no external sgemm_"};
  std::error_code error;
  const std::filesystem::path resolved = std::filesystem::canonical(info.dli_fname, error);
  const std::string path = error ? std::string(info.dli_fname) : resolved.string();
  return {classify_blas_library(path), path};
}

bool warn_if_reference_blas() {
  const BlasLibrary blas = detect_blas();
  if (blas.kind != BlasKind::reference) return false;
  spdlog::warn("LibTorch uses the reference BLAS ({}): CPU math is ~20x slower; "
               "install libopenblas0-openmp (scripts/setup.sh does)", blas.path);
  return true;
}

}  // namespace recur::trainer
