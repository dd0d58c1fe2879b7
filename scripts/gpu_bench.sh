#!/usr/bin/env bash
# The benchmark table of docs/benchmarks.md on a GPU: builds recur against a CUDA
# LibTorch with NCCL, then runs `recur bench` on the TRM ARC and Sudoku-MLP shapes
# in bf16 (the reference's GPU dtype; attention through
# at::scaled_dot_product_attention, LibTorch >= 2.0) at the recipes' batch of 768,
# peak memory against recursion depth, and the loader against training. Prints one
# JSON line per measurement and a markdown table; with OUT set (the device tool's
# $OUT), also writes OUT/gpu_bench.md and OUT/gpu_bench.jsonl.
#
# Needs on the GPU machine what scripts/gpu_test_nccl.sh lists (a CUDA LibTorch,
# pip's torch works: its CMake files are found through python3; the CUDA toolkit
# and NCCL; Open MPI, HDF5, yaml-cpp, CLI11, spdlog, nlohmann-json, GoogleTest).
# Without a GPU it says so and exits 0.
#
# usage: scripts/gpu_bench.sh [BUILD_DIR]   (default build-gpu; ~10 minutes on an H200,
#        most of it the build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-gpu}
out=${OUT:-}

if ! command -v nvidia-smi > /dev/null || ! nvidia-smi -L 2> /dev/null | grep -q '^GPU'; then
  echo "gpu_bench: no GPU visible (nvidia-smi), nothing to run"
  exit 0
fi
nvidia-smi -L

prefix=${TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" -DRECUR_WITH_NCCL=ON \
  --log-level=WARNING
cmake --build "$build_dir" -j"$(nproc)" --target recur
recur=$build_dir/recur
"$recur" --version

jsonl=$(mktemp)
# One `recur bench` on the GPU; its JSON line, tagged with a name, goes to $jsonl.
bench() {
  local name=$1
  shift
  echo "gpu_bench: $name: recur bench $*" >&2
  "$recur" bench "$@" device=cuda | tail -n 1 | jq -c --arg name "$name" '{name: $name} + .' | tee -a "$jsonl"
}

for dtype in bfloat16 float32; do
  bench "arc_$dtype" recipes/trm-arc1.yaml arch.forward_dtype=$dtype --steps 20 --warmup 5
  bench "sudoku_$dtype" recipes/trm-sudoku-mlp.yaml arch.forward_dtype=$dtype --steps 20 --warmup 5
done
for h in 1 2 4 8; do
  bench "depth_h$h" recipes/trm-sudoku-mlp.yaml arch.forward_dtype=bfloat16 arch.H_cycles=$h arch.L_cycles=2 \
    --steps 5 --warmup 2
done

table=$(
  echo "| run | dtype | batch | ms/step | samples/s | TFLOP/s | peak TFLOP/s | MFU | peak memory MB |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  jq -r '"| \(.name) | \(.forward_dtype) | \(.global_batch_size) | \(.ms_per_step * 10 | round / 10) | " +
         "\(.samples_per_s | round) | \(.achieved_flops / 1e12 * 10 | round / 10) | " +
         "\(.peak_flops / 1e12 | round) | \(.mfu * 1000 | round / 10)% | \(.peak_mem_mb | round) |"' "$jsonl"
)
echo "$table"
if [[ -n $out ]]; then
  cp "$jsonl" "$out/gpu_bench.jsonl"
  echo "$table" > "$out/gpu_bench.md"
fi
