#!/usr/bin/env bash
# Builds recur (scripts/build.sh) and runs the whole test suite (ctest, GoogleTest).
# Tests that need the machine to themselves carry the RUN_SERIAL property.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)"
