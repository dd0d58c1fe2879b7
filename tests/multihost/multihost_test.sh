#!/usr/bin/env bash
# recur across two hosts, on one machine: two network namespaces joined by a
# veth pair (10.231.0.1 and .2, no other address), each process started in
# them with its own hostname (a UTS namespace), and Open MPI's mpirun, started
# on the first host, reaching the second through a launch agent that enters
# its namespace (no ssh). The run folder is on the machine's file system,
# which both hosts see at the same path (shared storage). Three runs of the
# Slurm test's tiny recipe, shortened to 12 steps with a checkpoint every 4:
#   A  2 ranks on one host (plain mpirun): the reference;
#   C  1 rank per host, the second host's rank killed (-9) after the step-4
#      checkpoint: the job ends non-zero within the watchdog timeout with a
#      line naming rank 1 and its host; the resume on both hosts continues from
#      the last complete checkpoint and ends with A's state, bit for bit
#      (same_state.py). Every step of C ran 1 rank per host, so this is also
#      "two hosts = one host" (a separate uninterrupted two-host run would
#      repeat it and cost a third of the test's time).
# Every namespace, veth and /etc/netns entry it made is removed on exit, also
# when a check fails or the script is interrupted.
# Usage: multihost_test.sh RECUR_BINARY SOURCE_DIR PYTHON. Exit 0 pass, 1 fail, 77 skipped.
set -euo pipefail

recur=$1
src=$2
python=$3
t_start=$(date +%s)

skip() { echo "SKIPPED: $*"; exit 77; }
failed=0
fail() { echo "FAIL: $*"; failed=1; }
[ "$(id -u)" = 0 ] || skip "needs root: network namespaces and veth links"
for tool in ip nsenter unshare mpirun; do command -v "$tool" >/dev/null || skip "no $tool"; done

# shellcheck source=tests/multihost/hosts.sh
source "$src/tests/multihost/hosts.sh"
work=$(mktemp -d /tmp/recur-multihost-test.XXXXXX)

cleanup() {
  local status=$?  # a command that failed under set -e is a failed test too
  set +e
  if [ "$status" != 0 ] && [ "$failed" = 0 ]; then echo "FAIL: a command failed (exit $status)"; failed=1; fi
  hosts_down
  if [ "$failed" = 0 ]; then rm -rf "$work"; else echo "kept $work for inspection"; fi
}
trap cleanup EXIT
trap 'fail "interrupted by a signal"; exit 1' INT TERM
hosts_up rmh

agent=$src/tests/multihost/agent.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
net="--mca plm_rsh_agent $agent --mca oob_tcp_if_include 10.231.0.0/24 --mca btl_tcp_if_include 10.231.0.0/24"
net="$net --mca btl self,tcp"
# mpirun on the first host, one rank per host.
two_hosts() { "$agent" "${hosts[0]}" "mpirun $net -H ${hosts[0]},${hosts[1]} -np 2 --bind-to none $*"; }
[ "$(two_hosts hostname | sort | tr '\n' ' ')" = "${hosts[0]} ${hosts[1]} " ] ||
  { fail "mpirun does not reach both hosts"; exit 1; }
echo "two hosts up after $(($(date +%s) - t_start)) s: ${hosts[*]}"

"$recur" data sudoku --generate 300 --givens 36 --train-size 200 --test-size 32 --augment 1 --seed 1 \
  --threads 1 --out "$work/sudoku.h5" >/dev/null
train_args() {
  echo "train $src/tests/slurm/tiny.yaml data_paths=[$work/sudoku.h5] threads=1 epochs=2 eval_interval=2" \
    "checkpoint_interval=4 arch.H_cycles=1 run_dir=$work/$1"
}
final=$(printf 'step_%08d' 12)
same_as_a() { "$python" "$src/tests/multihost/same_state.py" "$work/A/checkpoints/$final" "$work/$1/checkpoints/$final"; }

t=$(date +%s)
mpirun -np 2 --bind-to none "$recur" $(train_args A) >"$work/A.log" 2>&1 || { fail "run A"; tail "$work/A.log"; exit 1; }
echo "A (one host, 2 ranks): $(($(date +%s) - t)) s"

# C: kill the second host's rank once the step-4 checkpoint is complete.
watchdog=10
t=$(date +%s)
two_hosts "$recur" $(train_args C) "watchdog_timeout_s=$watchdog" >"$work/C.log" 2>&1 &
job=$!
victim=
for _ in $(seq 600); do
  if [ -f "$work/C/checkpoints/step_00000004/COMPLETE" ]; then
    for pid in $(ip netns pids "${hosts[1]}"); do
      tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "recur train .*run_dir=$work/C" && victim=$pid
    done
    [ -n "$victim" ] && break
  fi
  kill -0 "$job" 2>/dev/null || break
  sleep 0.1
done
[ -n "$victim" ] || { fail "C never reached its step-4 checkpoint with a rank on ${hosts[1]}"; tail "$work/C.log"; exit 1; }
kill -9 "$victim"
killed_at=$(date +%s)
status=0
wait "$job" || status=$?
ended=$(($(date +%s) - killed_at))
echo "C: rank 1 on ${hosts[1]} killed after $((killed_at - t)) s; the job ended $ended s later with exit $status"
[ "$status" != 0 ] || fail "C exited 0 after its rank 1 was killed"
[ "$ended" -le $((watchdog + 20)) ] || fail "C took $ended s to end (watchdog timeout $watchdog s)"
grep -E "rank 1 .*(on node ${hosts[1]}|on ${hosts[1]})" "$work/C.log" | head -2 ||
  fail "no line names rank 1 and its host ${hosts[1]}"
newest=$(ls "$work/C/checkpoints" | grep -E '^step_[0-9]{8}$' | sort | tail -1)

t=$(date +%s)
two_hosts "$recur" $(train_args C) >"$work/C2.log" 2>&1 || { fail "resume of C"; tail "$work/C2.log"; exit 1; }
echo "C resumed on two hosts from $newest: $(($(date +%s) - t)) s"
grep -q "run folder .*(2 rank(s)" "$work/C2.log" || fail "the resume of C did not run 2 ranks"
grep -q "resumed from $work/C/checkpoints/$newest" "$work/C2.log" || fail "C did not resume from $newest"
same_as_a C || fail "C (killed, resumed on two hosts) differs from A"

echo "multihost test: $(($(date +%s) - t_start)) s"
[ "$failed" = 0 ] && echo "PASS"
exit "$failed"
