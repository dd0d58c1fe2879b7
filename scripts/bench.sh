#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md on this machine and rewrites its
# tables: MFU of the TRM ARC and Sudoku-MLP shapes (fp32, and bf16 where the CPU
# has it), peak memory against recursion depth, loader throughput against what
# training consumes, the ARC-AGI-1 x1000 build time, and the all-reduce share on
# 2 MPI ranks. Every figure is `recur bench` JSON from this run; ratios compare
# numbers measured side by side in the same run.
#
# usage: scripts/bench.sh [SHARED_DIR]    (default ../shared; needs build/recur)
# Takes about 15 minutes on 2 idle cores. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-${RECUR_SHARED_DIR:-../shared}}
recur=build/recur
out=docs/benchmarks.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ -x $recur ]] || { echo "bench.sh: build recur first (scripts/build.sh)" >&2; exit 2; }

# One `recur bench` run; its last stdout line (JSON) goes to $work/NAME.json.
bench() {
  local name=$1
  shift
  echo "bench: $name: recur bench $*" >&2
  "$recur" bench "$@" 2> "$work/$name.log" | tail -n 1 > "$work/$name.json"
}
field() { jq -r ".$2" "$work/$1.json"; }
pct() { jq -rn "$(field "$1" "$2") * 100 | . * 10 | round / 10"; }
num() { jq -rn "$(field "$1" "$2") | . * 10 | round / 10"; }

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
cores=$(nproc)
bf16=no
grep -q avx512_bf16 /proc/cpuinfo && bf16=yes

# 1. MFU. The ARC shape at batch 8 and Sudoku-MLP at batch 32 keep a step in seconds on a CPU.
arc_args=(recipes/trm-arc1.yaml global_batch_size=8 --steps 3 --warmup 1)
sudoku_args=(recipes/trm-sudoku-mlp.yaml global_batch_size=32 --steps 3 --warmup 1)
bench arc_fp32 "${arc_args[@]}" arch.forward_dtype=float32
bench sudoku_fp32 "${sudoku_args[@]}" arch.forward_dtype=float32
if [[ $bf16 == yes ]]; then
  bench arc_bf16 "${arc_args[@]}" arch.forward_dtype=bfloat16
  bench sudoku_bf16 "${sudoku_args[@]}" arch.forward_dtype=bfloat16
fi

# 2. Peak memory against recursion depth (truncated backprop: it must stay flat).
for h in 1 2 4 8; do
  bench "depth_h$h" recipes/trm-sudoku-mlp.yaml global_batch_size=32 arch.H_cycles=$h arch.L_cycles=2 \
    --steps 2 --warmup 1
done

# 3. Loader throughput against training, and the ARC-AGI-1 x1000 build.
build_seconds=n/a
arc_file=$work/arc1-aug-1000.h5
if [[ -d $shared/data/arc-agi-1 ]]; then
  t0=$(date +%s.%N)
  "$recur" data arc --subsets "$shared/data/arc-agi-1/training" "$shared/data/arc-agi-1/evaluation" \
    --test-set "$shared/data/arc-agi-1/evaluation" --augment 1000 --seed 42 --out "$arc_file" > "$work/build.log"
  build_seconds=$(jq -rn "($(date +%s.%N) - $t0) | . * 10 | round / 10")
  build_mb=$(($(stat -c %s "$arc_file") / 1000000))
  bench loader "${arc_args[@]}" "data_paths=[$arc_file]" --loader --loader-batches 300
  loader_ratio=$(jq -rn "$(field loader loader_samples_per_s) / $(field arc_fp32 samples_per_s) | round")
fi

# 4. Two MPI ranks on CPU, one thread each: the share of a step spent in the all-reduce.
echo "bench: mpi2" >&2
OMP_NUM_THREADS=1 mpirun -np 2 --allow-run-as-root --oversubscribe "$recur" bench "${sudoku_args[@]}" \
  arch.forward_dtype=float32 2> "$work/mpi2.log" | tail -n 1 > "$work/mpi2.json"

mfu_row() {  # name, label, batch
  echo "| $2 | $3 | $(field "$1" forward_dtype) | $(num "$1" ms_per_step) | $(num "$1" samples_per_s) |" \
    "$(jq -rn "$(field "$1" achieved_flops) / 1e9 | round") | $(jq -rn "$(field "$1" peak_flops) / 1e9 | round") |" \
    "**$(pct "$1" mfu)%** | $(num "$1" peak_mem_mb) |"
}

{
  cat << EOF
# Benchmarks

Written by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d): $cpu, $cores cores, $(build/recur --version | head -n 1).
Every number is \`recur bench\` JSON from that one run: synthetic data of the recipe's shapes,
warm-up steps, then timed training steps (a step is one supervision step with its optimizer
update). MFU is the model's FLOPs per second (counted from the architecture: every matmul of
every recursion, the backward of the last one) over the peak the same process measured with a
2048^3 matmul of the step's dtype. Rerun \`scripts/bench.sh\` to refresh this page.

## 1. Model FLOP utilisation

| config | global batch | dtype | ms/step | samples/s | GFLOP/s | peak GFLOP/s | MFU | peak memory MB |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
$(mfu_row arc_fp32 "TRM ARC (trm-arc1)" 8)
$(mfu_row sudoku_fp32 "TRM Sudoku-MLP (trm-sudoku-mlp)" 32)
EOF
  if [[ $bf16 == yes ]]; then
    mfu_row arc_bf16 "TRM ARC (trm-arc1)" 8
    mfu_row sudoku_bf16 "TRM Sudoku-MLP (trm-sudoku-mlp)" 32
    echo
    echo "bf16 against fp32, end to end: ARC $(jq -rn "$(field arc_fp32 ms_per_step) / $(field arc_bf16 ms_per_step) | . * 100 | round / 100")x," \
      "Sudoku-MLP $(jq -rn "$(field sudoku_fp32 ms_per_step) / $(field sudoku_bf16 ms_per_step) | . * 100 | round / 100")x faster per step" \
      "(bf16 MFU is against the bf16 peak)."
  fi
  cat << EOF

## 2. Peak memory against recursion depth

TRM Sudoku-MLP, global batch 32, L_cycles 2: only the last recursion keeps activations for the
backward, so memory must not grow with H_cycles (target: within 10%).

| H_cycles | peak memory MB | ms/step |
| --- | --- | --- |
EOF
  for h in 1 2 4 8; do echo "| $h | $(num "depth_h$h" peak_mem_mb) | $(num "depth_h$h" ms_per_step) |"; done
  lo=$(for h in 1 2 4 8; do field "depth_h$h" peak_mem_mb; done | sort -g | head -n 1)
  hi=$(for h in 1 2 4 8; do field "depth_h$h" peak_mem_mb; done | sort -g | tail -n 1)
  echo
  echo "Spread: $(jq -rn "($hi - $lo) / $lo * 100 | . * 10 | round / 10")% between the smallest and the largest."
  cat << EOF

## 3. Data

EOF
  if [[ $build_seconds != n/a ]]; then
    echo "- Building ARC-AGI-1 (training + evaluation) with 1000 augmentations: **$build_seconds s** on $cores cores, $build_mb MB."
    echo "- Loader on that file, global batch 8: $(num loader loader_samples_per_s) samples/s against the" \
      "$(num arc_fp32 samples_per_s) samples/s training consumes (ARC fp32 above): **${loader_ratio}x** (target: at least 20x)."
  else
    echo "- ARC data not found at $shared/data: build and loader figures skipped."
  fi
  cat << EOF

## 4. Two MPI ranks on CPU

TRM Sudoku-MLP, global batch 32 split over 2 ranks of one thread each: all-reduce share of
the step **$(pct mpi2 allreduce_share)%** (target: under 5%), data wait $(pct mpi2 data_wait_share)%,
$(num mpi2 ms_per_step) ms/step.

On a GPU the training side consumes thousands of samples per second per rank; the loader
figure above (one process, CPU only) is the one to set against it.

## 5. What the CPU numbers rest on

- Large tensors come from a caching allocator (\`trainer/memory/caching_cpu_allocator.h\`):
  without it every step's large activations are fresh mmaps whose pages the kernel faults
  and zeroes one by one, which made elementwise work several times slower.
- Gradients live in one flat buffer (one all-reduce per step); the mlp_t transposes are
  materialised so each linear is one GEMM; the no-grad recursions keep no activations.
- bf16 runs the matmuls through oneDNN's AVX512-BF16 kernels (about 2x the fp32 peak
  measured here), with fp32 master weights and norms, and the loss in float64 as in the reference.

## 6. GPU

\`scripts/gpu_bench.sh\` runs the same table on a GPU (bf16, NCCL, scaled-dot-product
attention) and prints it; see that script for what the GPU machine needs.
EOF
} > "$out"
echo "bench.sh: wrote $out" >&2
