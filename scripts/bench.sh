#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md on this machine and rewrites its
# tables: MFU of the TRM ARC and Sudoku-MLP shapes (fp32, and bf16 where the CPU
# has it) with where each step's time goes (`recur bench --profile`), the
# evaluation loop's examples/s, ms/step against batch and against recursion
# depth (with peak memory), LibTorch 2.x against Debian's 1.13 (speed and the
# fused attention's memory), loader throughput against what training consumes,
# the ARC-AGI-1 x1000 build time, and the all-reduce share on 2 MPI ranks. Every
# figure is `recur bench` JSON from this run; ratios compare numbers measured
# side by side in the same run, and the machine's load average is recorded.
#
# usage: scripts/bench.sh [SHARED_DIR]    (default ../shared; needs build/recur)
#   RECUR_BEFORE=path/to/recur   also profiles an older build (the "before" columns)
#   build-debian/recur, when built (scripts/build.sh --debian), gives the 1.13 rows.
# Takes about an hour on 2 idle cores. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${1:-${RECUR_SHARED_DIR:-../shared}}
recur=build/recur
before=${RECUR_BEFORE:-}
debian=build-debian/recur
out=docs/benchmarks.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ -x $recur ]] || { echo "bench.sh: build recur first (scripts/build.sh)" >&2; exit 2; }
[[ -z $before || -x $before ]] || { echo "bench.sh: RECUR_BEFORE=$before is not an executable" >&2; exit 2; }

# One `recur bench` run of $bin (default build/recur); its last stdout line (JSON)
# goes to $work/NAME.json.
bench() {
  local name=$1
  shift
  echo "bench: $name: ${bin:-$recur} bench $*" >&2
  "${bin:-$recur}" bench "$@" 2> "$work/$name.log" | tail -n 1 > "$work/$name.json"
}
field() { jq -r ".$2" "$work/$1.json"; }
pct() { jq -rn "$(field "$1" "$2") * 100 | . * 10 | round / 10"; }
num() { jq -rn "$(field "$1" "$2") | . * 10 | round / 10"; }
ratio() { jq -rn "$(field "$1" "$3") / $(field "$2" "$3") | . * 100 | round / 100"; }
load() { cut -d ' ' -f 1-3 /proc/loadavg; }

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
cores=$(nproc)
bf16=no
grep -q avx512_bf16 /proc/cpuinfo && bf16=yes
load_start=$(load)

# 1. MFU, with the profile. The ARC shape at batch 8 and Sudoku-MLP at batch 32 keep a
# step in seconds on a CPU; the profiler's callbacks cost microseconds per op.
arc_shape=(recipes/trm-arc1.yaml global_batch_size=8)
sudoku_shape=(recipes/trm-sudoku-mlp.yaml global_batch_size=32)
arc_args=("${arc_shape[@]}" --steps 3 --warmup 1)
sudoku_args=("${sudoku_shape[@]}" --steps 3 --warmup 1)
bench arc_fp32 "${arc_args[@]}" arch.forward_dtype=float32 --profile
bench sudoku_fp32 "${sudoku_args[@]}" arch.forward_dtype=float32 --profile
if [[ $bf16 == yes ]]; then
  bench arc_bf16 "${arc_args[@]}" arch.forward_dtype=bfloat16 --profile
  bench sudoku_bf16 "${sudoku_args[@]}" arch.forward_dtype=bfloat16 --profile
fi
if [[ -n $before ]]; then
  bin=$before bench arc_before "${arc_args[@]}" arch.forward_dtype=float32 --profile
  bin=$before bench sudoku_before "${sudoku_args[@]}" arch.forward_dtype=float32 --profile
fi

# 2. Evaluation: one test batch through every ACT step on the EMA weights.
# One timed batch after one warm-up: each is halt_max_steps (16) full forwards, minutes on a CPU.
bench arc_eval "${arc_shape[@]}" --steps 1 --warmup 1 arch.forward_dtype=float32 --eval
bench sudoku_eval "${sudoku_shape[@]}" --steps 1 --warmup 1 arch.forward_dtype=float32 --eval

# 3. Cost against work: batch, and recursion depth (truncated backprop: memory must stay flat).
for b in 8 16 32 64; do
  bench "batch_b$b" recipes/trm-sudoku-mlp.yaml global_batch_size=$b --steps 2 --warmup 1
done
for h in 1 2 4 8; do
  bench "depth_h$h" recipes/trm-sudoku-mlp.yaml global_batch_size=32 arch.H_cycles=$h arch.L_cycles=2 \
    --steps 2 --warmup 1
done

# 4. LibTorch 2.x against Debian's 1.13 on the same shapes, fp32 and bf16 (bf16 is
# emulated on a CPU without AVX512-BF16; the two builds still compare within the run).
if [[ -x $debian ]]; then
  bin=$debian bench arc_debian "${arc_args[@]}" arch.forward_dtype=float32
  bin=$debian bench sudoku_debian "${sudoku_args[@]}" arch.forward_dtype=float32
  bin=$debian bench arc_debian_bf16 "${arc_args[@]}" arch.forward_dtype=bfloat16
  bin=$debian bench sudoku_debian_bf16 "${sudoku_args[@]}" arch.forward_dtype=bfloat16
  if [[ $bf16 == no ]]; then
    bench arc_bf16 "${arc_args[@]}" arch.forward_dtype=bfloat16
    bench sudoku_bf16 "${sudoku_args[@]}" arch.forward_dtype=bfloat16
  fi
fi

# 5. Loader throughput against training, and the ARC-AGI-1 x1000 build.
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

# 6. Two MPI ranks on CPU, one thread each: the share of a step spent in the all-reduce.
echo "bench: mpi2" >&2
OMP_NUM_THREADS=1 mpirun -np 2 --allow-run-as-root --oversubscribe "$recur" bench "${sudoku_args[@]}" \
  arch.forward_dtype=float32 2> "$work/mpi2.log" | tail -n 1 > "$work/mpi2.json"
load_end=$(load)

mfu_row() {  # name, label, batch
  echo "| $2 | $3 | $(field "$1" forward_dtype) | $(num "$1" ms_per_step) | $(num "$1" samples_per_s) |" \
    "$(jq -rn "$(field "$1" achieved_flops) / 1e9 | round") | $(jq -rn "$(field "$1" peak_flops) / 1e9 | round") |" \
    "**$(pct "$1" mfu)%** | $(num "$1" peak_mem_mb) |"
}

# The profile table: one row per line of the step, one column per run.
profile_rows() {
  local line name row
  for line in matmuls attention elementwise loss optimizers_ema allocation data all_reduce other; do
    row="| $line |"
    for name in "$@"; do row+=" $(pct "$name" "profile.$line")% |"; done
    echo "$row"
  done
  row="| MFU of the matmuls and attention alone |"
  for name in "$@"; do row+=" $(pct "$name" profile.matmul_attention_mfu)% |"; done
  echo "$row"
}
profiled=(arc_fp32 sudoku_fp32)
labels=("TRM ARC fp32" "TRM Sudoku-MLP fp32")
if [[ -n $before ]]; then
  profiled=(arc_before arc_fp32 sudoku_before sudoku_fp32)
  labels=("TRM ARC fp32 before" "TRM ARC fp32" "TRM Sudoku-MLP fp32 before" "TRM Sudoku-MLP fp32")
fi
if [[ $bf16 == yes ]]; then
  profiled+=(arc_bf16 sudoku_bf16)
  labels+=("TRM ARC bf16" "TRM Sudoku-MLP bf16")
fi

{
  cat << EOF
# Benchmarks

Written by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d): $cpu, $cores cores, $(build/recur --version | head -n 1).
Load average (1, 5, 15 min) at the start: $load_start; at the end: $load_end. Other work on
the machine slows the rows unevenly: compare ratios within this page, not across runs.
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
    echo "bf16 against fp32, end to end: ARC $(ratio arc_fp32 arc_bf16 ms_per_step)x," \
      "Sudoku-MLP $(ratio sudoku_fp32 sudoku_bf16 ms_per_step)x faster per step (bf16 MFU is against the bf16 peak)."
  else
    echo
    echo "This CPU has no AVX512-BF16: the bf16 rows are skipped (bf16 would be emulated)."
  fi
  cat << EOF

### Where the step's time goes

\`recur bench --profile\` (LibTorch's RecordFunction callbacks): each op's self time is
charged to one line (trainer/bench/step_profile.h); "other" is the wall time no op covers
(the autograd engine, C++ between ops). The last row is the MFU the step would reach if it
were its matmuls and attention alone.
EOF
  [[ -n $before ]] && echo "\"Before\" is $("$before" --version | head -n 1)."
  echo
  header="| line of the step |"
  rule="| --- |"
  for label in "${labels[@]}"; do
    header+=" $label |"
    rule+=" --- |"
  done
  echo "$header"
  echo "$rule"
  profile_rows "${profiled[@]}"
  cat << EOF

## 2. Evaluation

One test batch through all halt_max_steps ACT steps on the EMA weights (\`recur bench --eval\`),
against the training step on the same shapes (target: at least 3x its samples/s).

| config | global batch | eval examples/s | train samples/s | ratio | eval MFU |
| --- | --- | --- | --- | --- | --- |
| TRM ARC | 8 | $(num arc_eval eval_examples_per_s) | $(num arc_fp32 samples_per_s) | **$(ratio arc_eval arc_fp32 samples_per_s)x** | $(pct arc_eval mfu)% |
| TRM Sudoku-MLP | 32 | $(num sudoku_eval eval_examples_per_s) | $(num sudoku_fp32 samples_per_s) | **$(ratio sudoku_eval sudoku_fp32 samples_per_s)x** | $(pct sudoku_eval mfu)% |

## 3. Cost against work

TRM Sudoku-MLP, fp32. Against the global batch (H_cycles 3): the cost per sample falls
until the matmuls are large enough to run near the peak, then flattens.

| global batch | ms/step | ms per sample | MFU | peak memory MB |
| --- | --- | --- | --- | --- |
EOF
  for b in 8 16 32 64; do
    echo "| $b | $(num "batch_b$b" ms_per_step) | $(jq -rn "$(field "batch_b$b" ms_per_step) / $b | . * 10 | round / 10") |" \
      "$(pct "batch_b$b" mfu)% | $(num "batch_b$b" peak_mem_mb) |"
  done
  cat << EOF

Against recursion depth (global batch 32, L_cycles 2): time grows with the recursions, but
only the last one keeps activations for the backward, so memory must not grow with H_cycles
(target: within 10%).

| H_cycles | ms/step | MFU | peak memory MB |
| --- | --- | --- | --- |
EOF
  for h in 1 2 4 8; do
    echo "| $h | $(num "depth_h$h" ms_per_step) | $(pct "depth_h$h" mfu)% | $(num "depth_h$h" peak_mem_mb) |"
  done
  lo=$(for h in 1 2 4 8; do field "depth_h$h" peak_mem_mb; done | sort -g | head -n 1)
  hi=$(for h in 1 2 4 8; do field "depth_h$h" peak_mem_mb; done | sort -g | tail -n 1)
  echo
  echo "Memory spread: $(jq -rn "($hi - $lo) / $lo * 100 | . * 10 | round / 10")% between the smallest and the largest."
  cat << EOF

## 4. LibTorch 2.x against Debian's 1.13

EOF
  if [[ -x $debian ]]; then
    cat << EOF
Same shapes, this run: $("$debian" --version | head -n 1) against the build above.
TRM ARC's attention is one fused scaled_dot_product_attention on 2.x, and softmax(q k^T) v
written out (its [B, H, S, S] scores kept for the backward) on 1.13: the ARC rows' peak
memory shows that difference. Each MFU is against the peak its own build measured.
EOF
    if [[ $bf16 == no ]]; then
      echo "This CPU has no AVX512-BF16, so both builds emulate bf16: those rows compare the builds, not bf16"
      echo "hardware, and have no MFU (the emulated peak matmul is no measure of the step's kernels)."
    fi
    echo
    echo "| config | dtype | 1.13 ms/step | 2.x ms/step | 2.x speed-up | 1.13 MFU | 2.x MFU | 1.13 peak memory MB | 2.x peak memory MB |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    for shape in arc sudoku; do
      label="TRM ARC, batch 8"
      [[ $shape == sudoku ]] && label="TRM Sudoku-MLP, batch 32"
      for dtype in fp32 bf16; do
        old=${shape}_debian
        [[ $dtype == bf16 ]] && old+=_bf16
        new=${shape}_$dtype
        mfus="$(pct "$old" mfu)% | $(pct "$new" mfu)%"
        # An emulated bf16 peak (the 2048^3 matmul) says nothing about the step's kernels.
        [[ $dtype == bf16 && $bf16 == no ]] && mfus="n/a | n/a"
        echo "| $label | $(field "$new" forward_dtype) | $(num "$old" ms_per_step) | $(num "$new" ms_per_step) |" \
          "$(ratio "$old" "$new" ms_per_step)x | $mfus | $(num "$old" peak_mem_mb) | $(num "$new" peak_mem_mb) |"
      done
    done
  else
    echo "- $debian is not built (scripts/build.sh --debian): rows skipped."
  fi
  cat << EOF

## 5. Data

EOF
  if [[ $build_seconds != n/a ]]; then
    echo "- Building ARC-AGI-1 (training + evaluation) with 1000 augmentations: **$build_seconds s** on $cores cores, $build_mb MB."
    echo "- Loader on that file, global batch 8: $(num loader loader_samples_per_s) samples/s against the" \
      "$(num arc_fp32 samples_per_s) samples/s training consumes (ARC fp32 above): **${loader_ratio}x** (target: at least 20x)."
  else
    echo "- ARC data not found at $shared/data: build and loader figures skipped."
  fi
  cat << EOF

## 6. Two MPI ranks on CPU

TRM Sudoku-MLP, global batch 32 split over 2 ranks of one thread each: all-reduce share of
the step **$(pct mpi2 allreduce_share)%** (target: under 5%), data wait $(pct mpi2 data_wait_share)%,
$(num mpi2 ms_per_step) ms/step.

On a GPU the training side consumes thousands of samples per second per rank; the loader
figure above (one process, CPU only) is the one to set against it.

## 7. What the CPU numbers rest on

- Large tensors come from a caching allocator (\`trainer/memory/caching_cpu_allocator.h\`):
  without it every step's large activations are fresh mmaps whose pages the kernel faults
  and zeroes one by one, which made elementwise work several times slower.
- Parameters, gradients, AdamATan2's moments and the EMA shadow live in flat buffers of one
  layout (one all-reduce per step, one optimizer update per buffer); the mlp_t transposes are
  materialised so each linear is one GEMM; the no-grad recursions keep no activations.
- bf16 runs the matmuls through oneDNN's AVX512-BF16 kernels (about 2x the fp32 peak
  measured there), with fp32 master weights and norms, and the loss in float64 as in the reference.

## 8. GPU

Not measured yet: no GPU has been lent to this project so far. \`scripts/gpu/run.sh\`, the one
command for the GPU machine (\`docs/gpu.md\`), builds recur there and runs \`recur bench\` on TRM
ARC (trm-arc1 shapes) and TRM Sudoku-MLP at global batch 768 in bf16, CUDA graphs on and off:
ms/step, samples/s, MFU against the bf16 matmul peak measured in the same process, peak GPU
memory. Its \`gpu_table.md\` (date, GPU, LibTorch/CUDA/NCCL versions) goes here.
EOF
} > "$out"
echo "bench.sh: wrote $out" >&2
