#!/usr/bin/env bash
# Configures and builds recur (Release), against one of three LibTorch builds:
#
#   scripts/build.sh           LibTorch 2.x CPU of .venv (scripts/setup.sh)   -> build/
#   scripts/build.sh --cuda    LibTorch 2.x CUDA of .venv-cuda, NCCL on        -> build-cuda/
#   scripts/build.sh --debian  Debian's libtorch-dev 1.13 (CPU)               -> build-debian/
#
# --cuda makes .venv-cuda first (scripts/python_env.sh cuda: torch 2.14.1 and
# the nvidia-* wheels, NCCL among them) and needs the CUDA toolkit's nvcc
# (CUDA_HOME, default /usr/local/cuda); no GPU is needed to build.
# --target NAME builds that target alone (e.g. --target recur); any other
# argument goes to cmake at configure time, e.g. -DRECUR_BUILD_TESTS=OFF.
#
# For the GPU machine (scripts/gpu/run.sh), which has a torch but none of the
# system packages scripts/setup.sh installs:
#   --python PY      use PY's torch (and, with --cuda, its nvidia-* wheels)
#                    instead of the flavour's venv, which is then not made;
#   --kit PREFIX     find HDF5, yaml-cpp, spdlog, fmt, CLI11, nlohmann-json, zlib
#                    and GoogleTest in PREFIX first (scripts/gpu/kit.sh unpacks
#                    them to .gpu-kit/usr);
#   --build-dir DIR  build there instead of the flavour's folder.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour=cpu
targets=()
cmake_extra=()
python=""
kit=""
build=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --cuda) flavour=cuda ;;
    --debian) flavour=debian ;;
    --target) targets+=(--target "$2"); shift ;;
    --python) python=$2; shift ;;
    --kit) kit=$(realpath "$2"); shift ;;
    --build-dir) build=$2; shift ;;
    *) cmake_extra+=("$1") ;;
  esac
  shift
done

# The root folder of a venv's torch package (holds lib/, include/, share/cmake/).
# It goes on CMAKE_PREFIX_PATH itself: TorchConfig looks for libtorch.so in the
# system's folders before its own, so share/cmake alone could pair these headers
# with Debian's libtorch.so.
torch_root() { "$1" -c 'import os, torch; print(os.path.dirname(torch.__file__))'; }

# The Python of the flavour: its venv, made or brought up to date, unless --python.
flavour_python() {
  if [[ -z $python ]]; then
    scripts/python_env.sh "$1" >&2
    python=$2/bin/python
  fi
}

cmake_args=(-DCMAKE_BUILD_TYPE=Release --log-level=WARNING)
prefixes=()
if [[ -n $kit ]]; then
  prefixes+=("$kit")
  cmake_args+=(-DHDF5_ROOT="$kit")
fi
case $flavour in
  cpu)
    flavour_python cpu .venv
    build=${build:-build}
    prefixes+=("$(torch_root "$python")")
    ;;
  debian)
    build=${build:-build-debian}
    prefixes+=(/usr)
    ;;
  cuda)
    flavour_python cuda .venv-cuda
    build=${build:-build-cuda}
    cuda=${CUDA_HOME:-/usr/local/cuda}
    if [[ ! -x $cuda/bin/nvcc ]]; then
      echo "build.sh: no nvcc at $cuda/bin/nvcc (install the CUDA toolkit or set CUDA_HOME)" >&2
      exit 1
    fi
    # The wheels ship their libraries with versioned names only (libcublas.so.13,
    # libnccl.so.2); CMake's find_library wants the plain name. One folder of
    # links under both names gives it that, and, being on the binary's RPATH,
    # lets the loader find the versioned ones; they resolve to the wheels' files.
    nvidia=$("$python" -c 'import nvidia; print(list(nvidia.__path__)[0])')
    links=$build/cuda-libs
    mkdir -p "$links"
    for lib in "$nvidia"/*/lib/lib*.so.*; do
      name=$(basename "$lib")
      ln -sfn "$lib" "$links/${name%%.so*}.so"
      ln -sfn "$lib" "$links/$name"
    done
    prefixes+=("$(torch_root "$python")")
    cmake_args+=(
      -DCUDA_TOOLKIT_ROOT_DIR="$cuda" -DCMAKE_CUDA_COMPILER="$cuda/bin/nvcc"
      -DCMAKE_LIBRARY_PATH="$PWD/$links"
      -DCMAKE_INCLUDE_PATH="$nvidia/cu13/include;$nvidia/nccl/include"
      # recur has no kernels of its own: one architecture keeps torch's checks quiet.
      -DTORCH_CUDA_ARCH_LIST=9.0
      -DRECUR_WITH_NCCL=ON
    )
    ;;
esac

cmake_args+=(-DCMAKE_PREFIX_PATH="$(IFS=';'; echo "${prefixes[*]}")")

if command -v ccache >/dev/null; then
  cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Without these ccache refuses to cache files built with precompiled headers.
  export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
fi
cmake -S . -B "$build" "${cmake_args[@]}" "${cmake_extra[@]}"
cmake --build "$build" -j"$(nproc)" "${targets[@]}"
