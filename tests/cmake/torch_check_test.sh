#!/usr/bin/env bash
# Configuring recur against a LibTorch it cannot use fails at configure time
# with one message naming what was found and how to point CMake elsewhere
# (cmake/torch.cmake): a LibTorch older than 1.13, one built with the
# pre-C++11 ABI, and one whose TorchConfig picked another LibTorch's libtorch.so.
# Each fake LibTorch is a TorchConfig.cmake and a torch/version.h, nothing more.
# Usage: torch_check_test.sh SOURCE_DIR
set -euo pipefail
src=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0

# fake_torch NAME VERSION CXX_FLAGS LIBRARY: a prefix whose TorchConfig reports these.
fake_torch() {
  local prefix=$scratch/$1
  mkdir -p "$prefix/share/cmake/Torch" "$prefix/include/torch" "$prefix/lib"
  touch "$prefix/lib/libtorch.so"
  printf '#define TORCH_VERSION "%s"\n' "$2" >"$prefix/include/torch/version.h"
  cat >"$prefix/share/cmake/Torch/TorchConfig.cmake" <<CONFIG
set(TORCH_INSTALL_PREFIX "$prefix")
set(TORCH_INCLUDE_DIRS "$prefix/include")
set(TORCH_CXX_FLAGS "$3")
set(TORCH_LIBRARY "${4:-$prefix/lib/libtorch.so}")
set(TORCH_LIBRARIES "\${TORCH_LIBRARY}")
set(Torch_FOUND TRUE)
CONFIG
  echo "$prefix"
}

# expect_refusal WHAT PREFIX PATTERN...: configure fails and says every pattern.
expect_refusal() {
  local what=$1 prefix=$2
  shift 2
  local log=$scratch/$what.log
  if cmake -S "$src" -B "$scratch/build-$what" -DCMAKE_PREFIX_PATH="$prefix" >"$log" 2>&1; then
    echo "FAIL: $what: configure succeeded"; failures=$((failures + 1)); return
  fi
  for pattern in "$@"; do
    if ! tr -s ' \n' ' ' <"$log" | grep -q -- "$pattern"; then
      echo "FAIL: $what: the message lacks '$pattern':"; cat "$log"; failures=$((failures + 1)); return
    fi
  done
  echo "ok: $what refused: $(grep -m1 'recur:' "$log" | sed 's/^ *//')"
}

old=$(fake_torch old 1.12.1 "-D_GLIBCXX_USE_CXX11_ABI=1")
expect_refusal old-version "$old" "found LibTorch 1.12.1" "needs 1.13 or newer" "CMAKE_PREFIX_PATH" "Torch_DIR"

abi=$(fake_torch abi 2.13.0 "-D_GLIBCXX_USE_CXX11_ABI=0")
expect_refusal old-abi "$abi" "found LibTorch 2.13.0" "pre-C++11 ABI" "CMAKE_PREFIX_PATH" "Torch_DIR"

other=$(fake_torch other 2.13.0 "-D_GLIBCXX_USE_CXX11_ABI=1")
mixed=$(fake_torch mixed 2.13.0 "-D_GLIBCXX_USE_CXX11_ABI=1" "$other/lib/libtorch.so")
expect_refusal mixed-libraries "$mixed" "would link $other/lib/libtorch.so" "CMAKE_PREFIX_PATH"

exit $failures
