#!/usr/bin/env bash
# Builds recur against a CUDA LibTorch and runs the NCCL communicator tests on this
# machine's GPUs (tests/distributed/nccl_communicator_test.cpp): one rank per GPU,
# two ranks when two GPUs exist, else one. Without a GPU it says so and exits 0.
#
# Needs on the GPU machine:
#   - a LibTorch built with CUDA. With pip's torch, its CMake files are at
#       python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'
#     (used automatically when TORCH_PREFIX is unset); or set TORCH_PREFIX to an
#     unpacked libtorch-cxx11-abi (cu12x) archive;
#   - the CUDA toolkit matching that LibTorch (nvcc, libcudart) and NCCL (nccl.h,
#     libnccl.so) where CMake finds them (CUDA_HOME / NCCL_HOME, default /usr/local/cuda);
#   - Open MPI and the other build dependencies of recur (HDF5, yaml-cpp, CLI11, spdlog,
#     nlohmann-json, GoogleTest).
# A pip torch built with the pre-C++11 ABI cannot link with recur's other libraries;
# use the cxx11-abi LibTorch archive then.
#
# usage: scripts/gpu_test_nccl.sh [BUILD_DIR]   (default build-gpu)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-gpu}

gpus=0
if command -v nvidia-smi > /dev/null; then
  gpus=$(nvidia-smi -L 2> /dev/null | grep -c '^GPU' || true)
fi
if [ "$gpus" -eq 0 ]; then
  echo "gpu_test_nccl: no GPU visible (nvidia-smi), nothing to run"
  exit 0
fi

prefix=${TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DRECUR_WITH_NCCL=ON
cmake --build "$build_dir" -j"$(nproc)" --target distributed_nccl_tests

ranks=$((gpus >= 2 ? 2 : 1))
echo "gpu_test_nccl: $gpus GPU(s), running $ranks rank(s)"
# RECUR_REQUIRE_GPU turns "no usable GPU" skips into failures: here a GPU must work.
OMP_NUM_THREADS=1 RECUR_REQUIRE_GPU=1 \
  mpirun -np "$ranks" --allow-run-as-root --oversubscribe -x OMP_NUM_THREADS -x RECUR_REQUIRE_GPU \
  "$build_dir/distributed_nccl_tests"
