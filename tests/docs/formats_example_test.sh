#!/usr/bin/env bash
# Runs the Python block of docs/formats.md, as written, on a Sudoku file built from
# three known puzzles and on a checkpoint of a 4-step training run, and checks what
# it prints against what the test knows: sizes, the decoded test puzzle and its
# solution, the step, the parameter count and the carry shape.
# Usage: formats_example_test.sh RECUR_BINARY SOURCE_DIR PYTHON (the project's .venv
# Python; $RECUR_PYTHON overrides it). Exit 0 pass, 1 fail.
set -euo pipefail
recur=$1
src=$2
python=${RECUR_PYTHON:-$3}
if ! "$python" -c 'import h5py, numpy' 2>/dev/null; then
  echo "FAIL: no Python with h5py and numpy at $python (scripts/setup.sh makes .venv; or set RECUR_PYTHON)"
  exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The classic puzzle and two relabelings of its digits (d -> d % 9 + 1, d -> (d + 1) % 9 + 1).
relabel() { tr '123456789' "$1"; }
p=53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79
s=534678912672195348198342567859761423426853791713924856961537284287419635345286179
puzzles=("$p" "$(relabel 234567891 <<<"$p")" "$(relabel 345678912 <<<"$p")")
solutions=("$s" "$(relabel 234567891 <<<"$s")" "$(relabel 345678912 <<<"$s")")
printf '%s\n' "${puzzles[@]}" >"$dir/known.txt"
"$recur" data sudoku --puzzles "$dir/known.txt" --train-size 2 --test-size 1 --augment 0 --threads 1 \
  --out "$dir/s.h5" >/dev/null
# 2 train puzzles, batch 2, 4 epochs: 4 steps of the Slurm test's tiny model.
"$recur" train "$src/tests/slurm/tiny.yaml" "data_paths=[$dir/s.h5]" global_batch_size=2 \
  run_dir="$dir/run" threads=1 >/dev/null 2>&1

awk '/^```python$/ { on = 1; next } /^```$/ { if (on) exit } on' "$src/docs/formats.md" >"$dir/read_recur.py"
"$python" "$dir/read_recur.py" "$dir/s.h5" "$dir/run/checkpoints/step_00000004" | tee "$dir/out.txt"

failed=0
expect() { grep -qxF "$1" "$dir/out.txt" || { echo "FAIL: expected the line: $1"; failed=1; }; }
expect "vocab_size 11 seq_len 81"
expect "train: 2 groups, 2 puzzles, 2 examples"
expect "test: 1 groups, 1 puzzles, 1 examples"
expect "test puzzle 0 is <blank> with examples 0 to 0"
# The test puzzle is one of the three, decoded, with its own solution.
line=$(grep '^puzzle ' "$dir/out.txt" || true)
found=0
for i in 0 1 2; do [ "$line" = "puzzle ${puzzles[$i]} solution ${solutions[$i]}" ] && found=1; done
[ "$found" = 1 ] || { echo "FAIL: the decoded test puzzle is not one of the known ones: $line"; failed=1; }
# tiny.yaml's TRM-MLP: embeddings 2 x 11 x 64, Q head 2 x 64 + 2, and per layer (2) the
# sequence MLP (S = 81 + 16 prefix: 1024 x 97 + 97 x 512) and the channel MLP
# (512 x 64 + 64 x 256).
expect "step 4 of 1 rank(s): 397826 parameters, EMA"
expect "rank 0 carry z_H (2, 97, 64) halted bool loader cursor [2, 0, 0]"
[ "$failed" = 0 ] && echo "formats example: ok"
exit "$failed"
