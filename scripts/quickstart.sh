#!/usr/bin/env bash
# The quick run, from a fresh Debian 12 machine: installs the packages, builds
# recur (the binary alone, not the tests), generates the embedded Sudoku
# dataset (45 blanks, no download), trains the small TRM of
# recipes/quick-sudoku.yaml for its wall-clock budget, prints the held-out
# exact accuracy, draws one held-out puzzle with the model's answer, and
# writes the run's HTML report (recur report).
#
# Extra arguments are config overrides for `recur train`, e.g.
#   scripts/quickstart.sh max_train_minutes=5
#   scripts/quickstart.sh arch.H_cycles=1 arch.L_cycles=1 arch.halt_max_steps=1
# Each call starts a new run folder under runs/quick-sudoku/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh --target recur

data=data/quick-sudoku.h5
if [[ ! -f $data ]]; then
  mkdir -p data
  # The recipe's header documents this command; keep the two the same.
  build/recur data sudoku --generate 11000 --givens 36 --train-size 10000 --test-size 1000 \
    --augment 3 --seed 0 --out "$data"
fi

# The last stdout line of `recur train` is a JSON object with the final evaluation
# (shown as it comes through stderr: `tee /dev/stderr` would reopen, and truncate, a log file).
result=$(build/recur train recipes/quick-sudoku.yaml "$@" | tee >(cat >&2) | tail -n 1)
accuracy=$(jq -r '."eval/exact_accuracy"' <<<"$result")
run_dir=$(jq -r '.run_dir' <<<"$result")
printf '\nheld-out exact accuracy: %.1f%% (%s puzzles never seen in training)\n' \
  "$(jq -n "$accuracy * 100")" 1000
echo "run folder: $run_dir (metrics.jsonl, checkpoints/, log.txt)"
echo
# One held-out puzzle of the last evaluation, then the report's path.
build/recur report "$run_dir" --print-sample
