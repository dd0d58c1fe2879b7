#!/usr/bin/env bash
# The Slurm scripts against a real one-node Slurm (slurmctld + slurmd + munged on
# localhost, started by ${RECUR_SHARED_DIR}/slurm-local/start-slurm.sh, which installs
# Debian's slurm packages when they are missing). Three jobs, each checked to the end:
#   A  train.sbatch, 2 tasks through mpirun: completes with the run folder, metrics,
#      and checkpoints holding both ranks' files and COMPLETE.
#   B  train.sbatch, 2 tasks through srun --mpi=pmix: USR1 to the batch shell once it
#      trains -> checkpoint, exit 75 -> requeued (RequeueExit=75) -> resumes from the
#      checkpoint and finishes the same number of steps.
#   S  sweep.sbatch as a 2-element array (data --seed 1 and 2), then collect_sweep.
# Usage: slurm_test.sh RECUR_BINARY SOURCE_DIR. Exit 0 pass, 1 fail, 77 skipped.
set -euo pipefail

recur=$1
src=$2
shared=${RECUR_SHARED_DIR:-$src/../shared}
start_slurm=$shared/slurm-local/start-slurm.sh
t_start=$(date +%s)

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*"; failed=1; }
[ "$(id -u)" = 0 ] || skip "needs root: the test cluster's slurmctld/slurmd/munged and its jobs run as root"
[ -x "$start_slurm" ] || skip "no $start_slurm (set RECUR_SHARED_DIR to the shared folder)"
command -v jq >/dev/null || { echo "FAIL: jq is missing (scripts/setup.sh installs it)"; exit 1; }

work=$(mktemp -d /tmp/recur-slurm-test.XXXXXX)
chmod 755 "$work"  # munged wants every directory above its socket world-executable
export SLURM_LOCAL_DIR=$work/slurm
failed=0

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A free pair of ports: the defaults, or the next free pair (another cluster may run).
port=6817
while port_busy "$port" || port_busy $((port + 1)); do port=$((port + 2)); done
export SLURM_LOCAL_CTLD_PORT=$port SLURM_LOCAL_SLURMD_PORT=$((port + 1))

cleanup() {
  "$start_slurm" stop >/dev/null 2>&1 || true
  if [ "$failed" = 0 ]; then
    rm -rf "$work"
  else
    echo "kept $work for inspection"
  fi
}
trap cleanup EXIT

if ! "$start_slurm" start >"$work/start.log" 2>&1; then
  cat "$work/start.log"
  failed=1
  echo "FAIL: the one-node Slurm cluster did not start (log above)"
  exit 1
fi
tail -1 "$work/start.log"
# shellcheck disable=SC1091
source "$SLURM_LOCAL_DIR/env.sh"
echo "cluster up after $(($(date +%s) - t_start)) s"

job_field() { scontrol show job "$1" | grep -oE "$2=[^ ]+" | head -1 | cut -d= -f2; }
# Waits until no job is left in the queue (at most $1 seconds).
wait_queue_empty() {
  local deadline=$(($(date +%s) + $1))
  while [ -n "$(squeue -h)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { fail "jobs still queued after $1 s"; squeue; return; }
    sleep 1
  done
}
# The max "step" of a metrics.jsonl, and whether its training rows (those without
# eval/ keys) have strictly increasing steps: a resume must not repeat rows.
max_step() { jq -s 'map(.step) | max' "$1"; }
steps_increase() {
  jq -se '[.[] | select(keys | any(startswith("eval/")) | not) | .step] as $s
          | all(range(1; $s | length); $s[.] > $s[. - 1])' "$1" >/dev/null
}

# Data for A and B: 200 train groups, so 4 epochs of batch 32 are 2 iterations of 12 steps.
"$recur" data sudoku --generate 300 --givens 36 --train-size 200 --test-size 32 --augment 1 --seed 1 \
  --threads 1 --out "$work/sudoku.h5" >/dev/null
final_step=24
recipe=$src/tests/slurm/tiny.yaml
export RECUR_HOME=$src RECUR_BIN=$recur
cd "$work"

JA=$(RECUR_RUN_DIR=$work/runA RECUR_LAUNCHER=mpirun \
  sbatch --parsable -n 2 -o "$work/A-%j.out" "$src/scripts/slurm/train.sbatch" "$recipe" "data_paths=[$work/sudoku.h5]")
JB=$(RECUR_RUN_DIR=$work/runB RECUR_LAUNCHER=auto \
  sbatch --parsable -n 2 -o "$work/B-%j.out" "$src/scripts/slurm/train.sbatch" "$recipe" "data_paths=[$work/sudoku.h5]")
JS=$(sbatch --parsable --array=0-1 -n 1 -c 1 -o "$work/S-%A_%a.out" "$src/scripts/slurm/sweep.sbatch" \
  "$work/sweep" "$recipe" 'sudoku --generate 200 --givens 36 --train-size 100 --test-size 32 --augment 1 --seed {}' \
  1 2 -- epochs=2)
echo "submitted A=$JA B=$JB sweep=$JS"

# Signal B once it really trains (a signal sent before the batch shell runs is lost).
deadline=$(($(date +%s) + 300))
until [ -s "$work/runB/metrics.jsonl" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || { fail "job B wrote no metrics within 300 s"; break; }
  sleep 0.2
done
scancel --signal=USR1 --batch "$JB"
echo "USR1 sent to B after $(($(date +%s) - t_start)) s"
wait_queue_empty 400

echo "--- A: completes with the expected files"
[ "$(job_field "$JA" JobState)" = COMPLETED ] || fail "A ended $(job_field "$JA" JobState)"
for f in config.yaml log.txt metrics.jsonl; do [ -s "$work/runA/$f" ] || fail "A: no runA/$f"; done
last=$work/runA/checkpoints/step_$(printf %08d $final_step)
for f in COMPLETE model.h5 rank_00000.h5 rank_00001.h5; do [ -f "$last/$f" ] || fail "A: no $last/$f"; done
grep -q "(2 rank(s)" "$work/runA/log.txt" || fail "A did not train on 2 ranks"
grep -q "launcher: mpirun" "$work/A-$JA.out" || fail "A did not use mpirun"
[ "$(max_step "$work/runA/metrics.jsonl")" = $final_step ] || fail "A: last step $(max_step "$work/runA/metrics.jsonl")"
tail -1 "$work/A-$JA.out" | grep -q "recur train exited 0" || fail "A: no clean exit line"
grep -q "\"step\":$final_step" "$work/A-$JA.out" || fail "A: no final JSON line"

echo "--- B: USR1 -> checkpoint, exit 75 -> requeue -> resume to the end"
[ "$(job_field "$JB" JobState)" = COMPLETED ] || fail "B ended $(job_field "$JB" JobState)"
[ "$(job_field "$JB" Restarts)" = 1 ] || fail "B restarted $(job_field "$JB" Restarts) times, expected 1"
grep -q "launcher: srun --mpi=pmix" "$work/B-$JB.out" || fail "B did not use srun --mpi=pmix"
grep -q "stop signal: asking recur to checkpoint" "$work/B-$JB.out" || fail "B: the trap did not run"
grep -q "recur stopped (exit 75 = checkpoint written): requeueing job $JB" "$work/B-$JB.out" || fail "B: recur did not exit 75"
grep -q "JobId=$JB .*JobState=FAILED .*ExitCode=75:0" "$SLURM_LOCAL_DIR/log/jobcomp.txt" ||
  fail "B: no first run ending with exit code 75 in jobcomp.txt"
grep -q "job $JB (run 1)" "$work/B-$JB.out" || fail "B: no second run in the (appended) output"
resumed=$(grep -oE 'resumed from .* \(step [0-9]+\)' "$work/runB/log.txt" | grep -oE '[0-9]+\)$' | tr -d ')' || true)
if [ -z "$resumed" ] || [ "$resumed" -le 0 ] || [ "$resumed" -ge $final_step ]; then
  fail "B: no resume from a mid-run checkpoint (resumed at '${resumed}')"
else
  echo "B stopped and resumed at step $resumed of $final_step"
fi
[ "$(max_step "$work/runB/metrics.jsonl")" = $final_step ] || fail "B: last step $(max_step "$work/runB/metrics.jsonl")"
steps_increase "$work/runB/metrics.jsonl" || fail "B: metrics.jsonl steps repeat or go back after the resume"
[ -f "$work/runB/checkpoints/step_$(printf %08d $final_step)/COMPLETE" ] || fail "B: no final checkpoint"
# Same data, config, seed and rank count: the resumed run ends exactly where A ends.
final_eval() { jq -cs "map(select(.step == $final_step and has(\"eval/loss\"))) | last | with_entries(select(.key | startswith(\"eval/\")))" "$1"; }
eval_a=$(final_eval "$work/runA/metrics.jsonl") eval_b=$(final_eval "$work/runB/metrics.jsonl")
if [ "$eval_a" = null ] || [ "$eval_a" != "$eval_b" ]; then
  fail "B's final evaluation $eval_b is not A's $eval_a"
fi

echo "--- sweep: 2 array elements, one table"
for i in 0 1; do
  [ "$(job_field "${JS}_$i" JobState)" = COMPLETED ] || fail "sweep element $i ended $(job_field "${JS}_$i" JobState)"
done
"$src/scripts/collect_sweep" "$work/sweep" | tee "$work/table.md"
for value in 1 2; do
  # value, step 6 (100 groups, 2 epochs of 32), then a number in every eval column
  grep -qE "^\| $value \| 6 \| [0-9.]+ \|" "$work/table.md" || fail "sweep: no result row for --seed $value"
done
grep -q "eval/exact_accuracy" "$work/table.md" || fail "sweep: no eval/exact_accuracy column"

if [ "$failed" != 0 ]; then
  for f in "$work"/*.out; do echo "== $f"; grep -v '^step ' "$f" | tail -30; done
  tail -20 "$SLURM_LOCAL_DIR/log/slurmctld.log"
  exit 1
fi
echo "slurm_test: all passed in $(($(date +%s) - t_start)) s"
