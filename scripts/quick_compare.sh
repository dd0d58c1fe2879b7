#!/usr/bin/env bash
# The paper's central claim on the quick run, measured: the recursive model of
# recipes/quick-sudoku.yaml against the same network without recursion, each for
# the recipe's wall-clock budget on this machine, one after the other:
#   full          the recipe (latent recursion + deep supervision)
#   deep-sup      arch.H_cycles=1 arch.L_cycles=1 (deep supervision, no latent recursion)
#   single-pass   arch.H_cycles=1 arch.L_cycles=1 arch.halt_max_steps=1
# and writes docs/quick-run.md: final held-out exact accuracy of each, and curves of
# accuracy against training time from each run's metrics.jsonl eval rows.
#
# usage: scripts/quick_compare.sh [key=value ...]   (overrides for all three runs)
# Needs build/recur and data/quick-sudoku.h5 (scripts/quickstart.sh makes both).
# Runs go to runs/quick-compare/NAME; a run that already finished is reused, so an
# interrupted comparison continues where it stopped. ~50 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
recur=build/recur
root=runs/quick-compare
out=docs/quick-run.md
names=(full deep-sup single-pass)
declare -A variant=(
  [full]=""
  [deep-sup]="arch.H_cycles=1 arch.L_cycles=1"
  [single-pass]="arch.H_cycles=1 arch.L_cycles=1 arch.halt_max_steps=1"
)

finished() { jq -e '.finished' "$1/final.json" > /dev/null 2>&1; }
for name in "${names[@]}"; do
  run=$root/$name
  if finished "$run"; then
    echo "quick_compare: $name: reusing $run" >&2
    continue
  fi
  echo "quick_compare: $name: recur train recipes/quick-sudoku.yaml ${variant[$name]} $*" >&2
  # shellcheck disable=SC2086 # the variant is a list of overrides
  "$recur" train recipes/quick-sudoku.yaml run_dir="$run" ${variant[$name]} "$@" | tail -n 1 > "$run.final.json"
  mv "$run.final.json" "$run/final.json"
done

# Eval rows of a run as "minutes accuracy" lines (training time, not counting evaluations).
curve() { jq -r 'select(has("eval/exact_accuracy")) | "\(.train_seconds / 60) \(."eval/exact_accuracy")"' "$1/metrics.jsonl"; }
# Exact accuracy (percent) of the last evaluation at or before minute $2, "-" before the first.
at_minute() { curve "$1" | awk -v m="$2" '$1 <= m + 1e-9 { a = $2 } END { if (a == "") print "-"; else printf "%.1f", 100 * a }'; }
final() { jq -r "$2" "$root/$1/final.json"; }
pct() { jq -rn "$(final "$1" '."eval/exact_accuracy"') * 1000 | round / 10"; }
cell_acc() { jq -rn "$(final "$1" '."eval/accuracy"') * 1000 | round / 10"; }
minutes=$(awk '$1 == "max_train_minutes:" { print $2 }' "$root/full/config.yaml")
last_minute=${minutes%.*}

{
  cat << EOF
# The quick run: recursion against a single pass

Written by \`scripts/quick_compare.sh\` on $(date -u +%Y-%m-%d): $(lscpu | sed -n 's/^Model name: *//p' | head -n 1),
$(nproc) cores, $(build/recur --version | head -n 1). Data: \`data/quick-sudoku.h5\` (10,000 generated
train puzzles with 36 givens, i.e. 45 blanks, and 3 shuffles each; 1000 held-out test puzzles,
all with unique solutions). Model: \`recipes/quick-sudoku.yaml\` (TRM-MLP, hidden 64, 225,794
parameters), $minutes minutes of training each, then the final evaluation (EMA weights, every
test puzzle to halt_max_steps).

| variant | overrides | steps | held-out exact accuracy | cell accuracy |
| --- | --- | --- | --- | --- |
EOF
  for name in "${names[@]}"; do
    echo "| $name | \`${variant[$name]:-(the recipe)}\` | $(final "$name" .step) | **$(pct "$name")%** | $(cell_acc "$name")% |"
  done
  cat << EOF

Held-out exact accuracy (%) against minutes of training (the last evaluation at or before each
minute; evaluations run every 2 epochs, and their time is not counted):

| minute | full | deep-sup | single-pass |
| --- | --- | --- | --- |
EOF
  for m in $(seq 1 "$last_minute"); do
    echo "| $m | $(at_minute "$root/full" "$m") | $(at_minute "$root/deep-sup" "$m") | $(at_minute "$root/single-pass" "$m") |"
  done
  cat << EOF

The single-pass model updates its latent state and its answer once per example (two
applications of the network) and is trained with one supervision step; deep supervision
alone keeps that network but carries the answer across up to halt_max_steps (8) supervised
steps; the full model also recurses on its latent state: H_cycles x (L_cycles + 1) = 6
applications per supervision step, the gradient through the last 3 only. Deep supervision
and the single pass do half the full model's FLOPs per step, so they take more steps in
the same time. Every run's metrics are in \`$root/NAME/metrics.jsonl\`.
EOF
} > "$out"
echo "quick_compare: wrote $out" >&2
