#!/usr/bin/env bash
# The size of `recur report` for a full ARC-AGI-1 evaluation and how long it
# takes to write (the figure in README.md and docs/formats.md). A run folder
# whose eval/step_1/arc_predictions.json covers the 400 evaluation tasks,
# every test input with 10 candidates (saved_candidates' default: the truth
# and 9 perturbed copies), the size a real evaluation's file has whatever the
# model predicted; then `recur report` on it, three times.
#
# usage: scripts/report_size.sh [ARC_TASK_FOLDER]
#   (default ../shared/data/arc-agi-1/evaluation, or $RECUR_SHARED_DIR/data/...)
# Needs build/recur. Writes runs/report-size/.
set -euo pipefail
cd "$(dirname "$0")/.."
tasks=${1:-${RECUR_SHARED_DIR:-../shared}/data/arc-agi-1/evaluation}
run=runs/report-size
rm -rf "$run"
mkdir -p "$run/eval/step_1"
python3 - "$tasks" "$run" <<'EOF'
import json, os, random, sys
src, run = sys.argv[1], sys.argv[2]
random.seed(0)
tasks = {}
for name in sorted(n for n in os.listdir(src) if n.endswith(".json")):
    task = json.load(open(os.path.join(src, name)))
    tests = []
    for pair in task["test"]:
        candidates = []
        for k in range(10):  # k cells of the truth changed
            grid = [row[:] for row in pair["output"]]
            for _ in range(k):
                grid[random.randrange(len(grid))][random.randrange(len(grid[0]))] = random.randrange(10)
            candidates.append({"grid": grid, "count": 1000 - 90 * k, "mean_q": 0.9 - 0.05 * k})
        tests.append({"input": pair["input"], "output": pair["output"], "votes": 8000, "distinct": 120,
                      "truth_rank": 1, "candidates": candidates})
    tasks[name[:-5]] = {"train": task["train"], "test": tests}
json.dump({"format": "recur-arc-predictions", "version": 1, "step": 1, "task_rule": "fraction",
           "aggregated_voting": True, "pass_Ks": [1, 2], "saved_candidates": 10, "tasks": tasks},
          open(run + "/eval/step_1/arc_predictions.json", "w"), separators=(",", ":"))
with open(run + "/metrics.jsonl", "w") as f:
    f.write('{"step": 1, "loss": 1.0, "train_seconds": 1}\n{"step": 1, "eval/ARC/pass@2": 1.0}\n')
print("%d tasks, %d test inputs" % (len(tasks), sum(len(t["test"]) for t in tasks.values())))
EOF
echo "arc_predictions.json: $(stat -c %s "$run/eval/step_1/arc_predictions.json") bytes"
for _ in 1 2 3; do build/recur report "$run" | tail -n 1; done
echo "report.html: $(stat -c %s "$run/report.html") bytes (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
