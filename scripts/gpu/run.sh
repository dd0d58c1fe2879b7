#!/usr/bin/env bash
# The one command for the GPU machine (the device tool): builds recur against that
# machine's torch, CUDA and NCCL and the kit (.gpu-kit/kit.tar.xz, scripts/gpu/kit.sh),
# runs the GPU checks, measures, prints a summary, and writes everything under $OUT.
#
#   1. build   scripts/build.sh --cuda --python python3 --kit ... -> build-gpu/
#              (recur and gpu_tests; no MPI: one GPU is one rank)
#   2. checks  gpu_tests with RECUR_REQUIRE_GPU=1 (a missing GPU fails, not skips):
#              every golden fixture on CUDA in float32 (TF32 off, README tolerances)
#              and bfloat16, stop/resume bit-identical with deterministic kernels,
#              graphs and device metrics bit-identical to both off, the non-finite
#              stop, out-of-memory as one error and exit 1, NCCL on one rank
#   3. golden  recur verify-golden --device cuda --dtype bfloat16: every quantity's
#              bf16 error (the figures docs/gpu.md is to state)
#   4. bench   recur bench, TRM ARC (trm-arc1) and TRM Sudoku-MLP at global batch
#              768 in bf16, CUDA graphs on and off: ms/step, samples/s, MFU against
#              the bf16 matmul peak measured in the same process, peak GPU memory;
#              the table for docs/benchmarks.md, with date, GPU and versions
# Each stage is timed; a stage that would start past the deadline is skipped (and
# says so), so the summary always prints within one 10-minute device command.
#
# usage (device tool): run with carry [".gpu-kit/kit.tar.xz"], command
#   scripts/gpu/run.sh        (OUT is set there; elsewhere logs go to ./gpu-run/)
# Files under $OUT (7: the device tool brings back at most 8): summary.txt (the
# machine, every stage's result, the table), build.log, gpu_tests.log,
# golden_bf16.log, bench.log (the four benches), bench.jsonl, gpu_table.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
out=${OUT:-$PWD/gpu-run}
mkdir -p "$out"
deadline=${RECUR_GPU_DEADLINE_S:-540}  # seconds after which no new stage starts
start=$SECONDS
summary=()

note() { echo "run.sh [$((SECONDS - start)) s] $*" | tee -a "$out/summary.txt"; }
# stage NAME TIMEOUT_S COMMAND...: runs it with its output appended to $out/LOG.log
# (LOG: $log if set, else NAME), records the result.
stage() {
  local name=$1 limit=$2 file=$out/${log:-$1}.log
  shift 2
  if ((SECONDS - start + 30 > deadline)); then
    summary+=("$name: SKIPPED (deadline)")
    note "$name: skipped, past the deadline"
    return 1
  fi
  local t0=$SECONDS status=0
  note "$name: $*"
  echo "== $name: $*" >>"$file"
  timeout "$limit" "$@" >>"$file" 2>&1 || status=$?
  local result="PASS"
  ((status == 0)) || result="FAIL (exit $status$( ((status == 124)) && echo ", timed out after $limit s"))"
  summary+=("$name: $result in $((SECONDS - t0)) s")
  note "$name: $result in $((SECONDS - t0)) s"
  return $status
}

# The machine: GPU, driver, torch, nvcc, cmake, compiler.
{
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'
  nvcc --version | tail -1
  cmake --version | head -1
  c++ --version | head -1
  grep PRETTY_NAME /etc/os-release
} 2>&1 | sed 's/^/env: /' >>"$out/summary.txt"
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)
note "machine: ${gpu:-no GPU visible}, $(python3 -c 'import torch; print("torch", torch.__version__)' 2>&1), $(nproc) cores"

# 1. Build. nvcc's folder is the CUDA toolkit; CMake 4 needs the policy floor for
# the kit's older package files.
export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$(command -v nvcc)")")}
export CMAKE_POLICY_VERSION_MINIMUM=3.5
mkdir -p .gpu-kit && tar -xJf .gpu-kit/kit.tar.xz -C .gpu-kit
if ! stage build 420 scripts/build.sh --cuda --python python3 --kit .gpu-kit/usr --build-dir build-gpu \
  --target recur --target gpu_tests; then
  tail -30 "$out/build.log"
  printf '%s\n' "${summary[@]}" | tee -a "$out/summary.txt"
  exit 1
fi
recur=build-gpu/recur
version=$("$recur" --version)
note "$version"

# 2. The GPU checks.
stage gpu_tests 240 env RECUR_REQUIRE_GPU=1 build-gpu/gpu_tests
grep -E '^\[ golden \]|^\[  FAILED  \]|^\[  PASSED  \]|tests? ran' "$out/gpu_tests.log" | tee -a "$out/summary.txt"

# 3. The bf16 errors of every golden quantity (the measured figures).
stage golden_bf16 120 "$recur" verify-golden --device cuda --dtype bfloat16 tests/golden/*.h5
grep -E 'worst relative error|checks,' "$out/golden_bf16.log" | tee -a "$out/summary.txt"

# 4. The measurement. One JSON line per run, tagged with its name.
: >"$out/bench.jsonl"
bench() {
  local name=$1 recipe=$2 graphs=$3
  if log=bench stage "bench_$name" 150 "$recur" bench "$recipe" device=cuda arch.forward_dtype=bfloat16 global_batch_size=768 \
    cuda_graphs="$graphs" --steps 8 --warmup 4 --peak-size 8192 --peak-seconds 2; then
    python3 -c 'import json, sys; row = json.loads(sys.argv[2]); row["name"] = sys.argv[1]; print(json.dumps(row))' \
      "$name" "$(grep '^{' "$out/bench.log" | tail -1)" >>"$out/bench.jsonl"
  fi
}
bench arc_graphs recipes/trm-arc1.yaml true
bench sudoku_mlp_graphs recipes/trm-sudoku-mlp.yaml true
bench arc_eager recipes/trm-arc1.yaml false
bench sudoku_mlp_eager recipes/trm-sudoku-mlp.yaml false

python3 - "$out/bench.jsonl" "$gpu" "$version" >"$out/gpu_table.md" <<'PY'
import datetime, json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print(f"GPU bench ({datetime.date.today().isoformat()}, {sys.argv[2]}, {sys.argv[3]}), "
      "bf16 with fp32 master weights, global batch 768, one GPU:")
print()
print("| run | CUDA graphs | ms/step | samples/s | TFLOP/s | bf16 peak TFLOP/s | MFU | peak memory GB |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for r in rows:
    graphs = "on" if r["name"].endswith("_graphs") else "off"
    print(f"| {r['name'].rsplit('_', 1)[0]} | {graphs} | {r['ms_per_step']:.1f} | {r['samples_per_s']:.0f} | "
          f"{r['achieved_flops'] / 1e12:.1f} | {r['peak_flops'] / 1e12:.0f} | {100 * r['mfu']:.1f}% | "
          f"{r['peak_mem_mb'] / 1024:.1f} |")
PY

echo
note "summary:"
printf '%s\n' "${summary[@]}" | tee -a "$out/summary.txt"
cat "$out/gpu_table.md" | tee -a "$out/summary.txt"
note "done in $((SECONDS - start)) s"
! printf '%s\n' "${summary[@]}" | grep -qv ': PASS'
