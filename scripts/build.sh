#!/usr/bin/env bash
# Configures and builds recur (Release) into build/: build/recur and the tests.
# Extra arguments go to cmake, e.g. scripts/build.sh -DRECUR_WITH_NCCL=ON.
set -euo pipefail
cd "$(dirname "$0")/.."

cmake_args=(-S . -B build -DCMAKE_BUILD_TYPE=Release --log-level=WARNING)
if command -v ccache >/dev/null; then
  cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Without these ccache refuses to cache files built with precompiled headers.
  export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
fi
cmake "${cmake_args[@]}" "$@"
cmake --build build -j"$(nproc)"
