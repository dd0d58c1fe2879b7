#!/usr/bin/env bash
# Builds recur and runs its tests, on the three LibTorch builds (scripts/build.sh):
#
#   cpu     LibTorch 2.x CPU (build/): the whole suite (ctest).
#   debian  Debian's LibTorch 1.13 (build-debian/): recur and the trainer tests,
#           running those that pin numerics and state: golden fixtures, init,
#           end-to-end training and evaluation, resume, 2 ranks = 1 rank, CLI.
#   cuda    LibTorch 2.x CUDA with NCCL (build-cuda/): recur and the GPU checks
#           (gpu_tests) compile and link, and start without a GPU: --version names
#           LibTorch, CUDA and NCCL, device=cuda is refused saying that no GPU is
#           visible, gpu_tests skips, and fails when RECUR_REQUIRE_GPU=1.
#
# With no argument all three run, in that order (this is what CI runs);
# `scripts/test.sh cpu` (or debian, cuda, or several) runs just those.
# Tests that need the machine to themselves carry the RUN_SERIAL property.
set -euo pipefail
cd "$(dirname "$0")/.."

builds=("$@")
[[ ${#builds[@]} -eq 0 ]] && builds=(cpu debian cuda)
jobs=$(nproc)

for build in "${builds[@]}"; do
  start=$SECONDS
  case $build in
    cpu)
      scripts/build.sh
      (cd build && ctest --output-on-failure -j"$jobs")
      ;;
    debian)
      scripts/build.sh --debian --target recur --target trainer_tests
      (cd build-debian && ctest --output-on-failure -j"$jobs" \
        -R '^(GoldenFixtures|ModelInit|TruncNormal|ActCarry|ActStep|ForwardDtype|AdamATan2|SignSgd|Ema|TrainEndToEnd|ArcEndToEnd|TrainGuards|Resume|RankEquivalence|Cli|BlasCheck)\.')
      ;;
    cuda)
      scripts/build.sh --cuda --target recur --target gpu_tests
      version=$(build-cuda/recur --version)
      echo "$version"
      if ! grep -Eq '\(LibTorch 2\.[0-9.]+, CUDA [0-9]+\.[0-9]+, NCCL [0-9]+\.[0-9]+\.[0-9]+\)$' <<<"$version"; then
        echo "test.sh: build-cuda/recur --version does not name LibTorch, CUDA and NCCL" >&2
        exit 1
      fi
      if nvidia-smi -L >/dev/null 2>&1; then
        echo "test.sh: a GPU is visible here: the no-GPU refusal is not checked"
        continue
      fi
      status=0
      refusal=$(build-cuda/recur bench recipes/quick-sudoku.yaml device=cuda 2>&1 >/dev/null) || status=$?
      echo "$refusal"
      if [[ $status -ne 2 || $refusal != *"no CUDA device is visible"* ]]; then
        echo "test.sh: build-cuda/recur with device=cuda and no GPU: expected exit 2 saying no CUDA device is visible, got $status" >&2
        exit 1
      fi
      build-cuda/gpu_tests --gtest_brief=1 | tail -3
      if RECUR_REQUIRE_GPU=1 build-cuda/gpu_tests --gtest_brief=1 >/dev/null 2>&1; then
        echo "test.sh: build-cuda/gpu_tests with RECUR_REQUIRE_GPU=1 and no GPU passed; it must fail" >&2
        exit 1
      fi
      ;;
    *)
      echo "test.sh: unknown build '$build' (cpu, debian or cuda)" >&2
      exit 2
      ;;
  esac
  echo "test.sh: $build build and tests passed in $(((SECONDS - start) / 60))m$(((SECONDS - start) % 60))s"
done
