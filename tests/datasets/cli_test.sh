#!/usr/bin/env bash
# `recur data` and `recur inspect` end to end: a small generated Sudoku build,
# its summary as JSON, and a bad puzzle list (exit 2, file:line in the
# message, no output file left behind). Usage: cli_test.sh RECUR_BINARY
set -euo pipefail
recur="$1"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

"$recur" data sudoku --generate 40 --givens 30 --train-size 10 --augment 3 --threads 2 --out "$dir/s.h5" > "$dir/report.txt"
grep -q "train: 10 groups, 40 puzzles, 40 examples" "$dir/report.txt"
grep -q "test: 30 groups, 30 puzzles, 30 examples" "$dir/report.txt"

"$recur" inspect "$dir/s.h5" --json > "$dir/inspect.json"
grep -q '"vocab_size": 11' "$dir/inspect.json"
grep -q '"groups": 10' "$dir/inspect.json"
grep -q '"command": "recur data sudoku"' "$dir/inspect.json"
"$recur" inspect "$dir/s.h5" | grep -q "train: 10 groups, 40 puzzles"

printf '# header\n%s\n%s\n' "$(printf '.%.0s' {1..81})" "12345" > "$dir/bad.txt"
set +e
"$recur" data sudoku --puzzles "$dir/bad.txt" --out "$dir/bad.h5" 2> "$dir/err.txt"
status=$?
set -e
test "$status" -eq 2
grep -q "bad.txt:3: a puzzle line must have 81 characters" "$dir/err.txt"
test ! -e "$dir/bad.h5"
test -z "$(ls "$dir" | grep partial || true)"

set +e
"$recur" inspect "$dir/bad.txt" 2> "$dir/err2.txt"
status=$?
set -e
test "$status" -eq 2
grep -q "not an HDF5 file" "$dir/err2.txt"
echo "cli_test: ok"
