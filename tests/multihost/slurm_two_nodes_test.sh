#!/usr/bin/env bash
# A two-node Slurm cluster on one machine (README.md): the two test hosts of hosts.sh,
# slurmctld and munged on the first (started by shared/slurm-local/start-slurm.sh with
# this folder's slurm.conf.in) and one slurmd per host, each with its node name, its
# own spool, pid, log and temporary folders, and its host's name. Two jobs of train.sbatch with
# --nodes=2 --ntasks-per-node=1, on the Slurm test's tiny recipe (24 steps) with a
# checkpoint every 4, run side by side (each takes one core of each node):
#   R  uninterrupted, ranks started by mpirun (its daemon on the second node started
#      through Slurm): the reference; one rank runs on each host;
#   P  ranks started by srun --mpi=pmix; USR1 to the batch shell once it has written
#      its step-4 checkpoint -> checkpoint, exit 75 -> requeued (Restarts=1) -> resumes
#      on both nodes and finishes with R's final state, bit for bit (same_state.py).
# MPI's traffic stays on the veth (btl self,tcp and the if_include settings below).
# Every daemon, namespace, veth and /etc/netns entry it made is removed on exit, also
# when a check fails or the script is interrupted; on failure the work folder is kept.
# Every wait gives up at one deadline, well before ctest's timeout (whose SIGKILL
# would leave no time to clean up).
# Usage: slurm_two_nodes_test.sh RECUR_BINARY SOURCE_DIR PYTHON. Exit 0 pass, 1 fail, 77 skipped.
set -euo pipefail

recur=$1
src=$2
python=$3
shared=${RECUR_SHARED_DIR:-$src/../shared}
start_slurm=$shared/slurm-local/start-slurm.sh
t_start=$(date +%s)
give_up_at=$((t_start + 420))  # ctest's TIMEOUT is 600 (CMakeLists.txt)

skip() { echo "SKIPPED: $*"; exit 77; }
failed=0
fail() { echo "FAIL: $*"; failed=1; }
[ "$(id -u)" = 0 ] || skip "needs root: network namespaces, veth links, and the test cluster's daemons and jobs"
for tool in ip nsenter unshare; do command -v "$tool" >/dev/null || skip "no $tool"; done
[ -x "$start_slurm" ] || skip "no $start_slurm (set RECUR_SHARED_DIR to the shared folder)"
command -v jq >/dev/null || { echo "FAIL: jq is missing (scripts/setup.sh installs it)"; exit 1; }

# shellcheck source=tests/multihost/hosts.sh
source "$src/tests/multihost/hosts.sh"
work=$(mktemp -d /tmp/recur-slurm-two-nodes-test.XXXXXX)
chmod 755 "$work"  # munged wants every directory above its socket world-executable
run=$work/slurm    # the cluster's run dir (SLURM_LOCAL_DIR)

cleanup() {
  local status=$?  # a command that failed under set -e is a failed test too
  set +e
  if [ "$status" != 0 ] && [ "$failed" = 0 ]; then echo "FAIL: a command failed (exit $status)"; failed=1; fi
  if [ ${#hosts[@]} -gt 0 ]; then
    # Cancels the jobs, stops slurmctld and munged by their pid files; then the
    # slurmds by theirs, and hosts_down kills whatever is left on the hosts.
    hosts_run "${hosts[0]}" env SLURM_LOCAL_DIR="$run" "$start_slurm" stop >/dev/null 2>&1
    for h in "${hosts[@]}"; do
      [ -s "$run/slurmd-$h.pid" ] && kill "$(cat "$run/slurmd-$h.pid")" 2>/dev/null
    done
    hosts_down
    # proctrack/cgroup's per-node cgroups (start-slurm.sh's stop removes only its own host's).
    for h in "${hosts[@]}"; do
      [ -d "/sys/fs/cgroup/freezer/slurm_$h" ] && find "/sys/fs/cgroup/freezer/slurm_$h" -depth -type d -exec rmdir {} \;
    done
  fi
  if [ "$failed" = 0 ]; then rm -rf "$work"; else echo "kept $work for inspection"; fi
}
trap cleanup EXIT
trap 'fail "interrupted by a signal"; exit 1' INT TERM
hosts_up rsl

# The cluster: start-slurm.sh on the first host (packages, munged, slurmctld, that
# host's slurmd), then the second host's slurmd.
mkdir -p "$run/tmp/${hosts[0]}" "$run/tmp/${hosts[1]}"  # TmpFS, one per node (slurm.conf.in)
sed -e "s|%HOST_A%|${hosts[0]}|g" -e "s|%HOST_B%|${hosts[1]}|g" \
  -e "s|%ADDR_A%|${addrs[0]}|g" -e "s|%ADDR_B%|${addrs[1]}|g" \
  "$src/tests/multihost/slurm.conf.in" >"$work/slurm.conf.in"
if ! hosts_run "${hosts[0]}" env SLURM_LOCAL_DIR="$run" SLURM_LOCAL_TEMPLATE="$work/slurm.conf.in" \
  "$start_slurm" start >"$work/start.log" 2>&1; then
  cat "$work/start.log"
  fail "the cluster did not start on ${hosts[0]} (log above)"
  exit 1
fi
# shellcheck disable=SC1091
source "$run/env.sh"  # SLURM_CONF, Open MPI's run-as-root flags
hosts_run "${hosts[1]}" slurmd -f "$SLURM_CONF" -N "${hosts[1]}" ||
  { fail "slurmd did not start on ${hosts[1]}"; tail "$run/log/slurmd-${hosts[1]}.log"; exit 1; }
# Slurm's commands talk to slurmctld on the first host.
ctl() { hosts_run "${hosts[0]}" "$@"; }
until [ "$(ctl sinfo -h -N -o '%N %T' | sort | tr '\n' ' ')" = "${hosts[0]} idle ${hosts[1]} idle " ]; do
  [ "$(date +%s)" -lt "$give_up_at" ] || { fail "the nodes are not idle after $((give_up_at - t_start)) s"; ctl sinfo -N; exit 1; }
  sleep 0.2
done
echo "two-node cluster up after $(($(date +%s) - t_start)) s: $(ctl sinfo -h -o '%D nodes %N %T')"

# MPI between the nodes over the veth only; the jobs inherit this environment.
export OMPI_MCA_btl=self,tcp OMPI_MCA_btl_tcp_if_include=10.231.0.0/24 OMPI_MCA_oob_tcp_if_include=10.231.0.0/24

"$recur" data sudoku --generate 300 --givens 36 --train-size 200 --test-size 32 --augment 1 --seed 1 \
  --threads 1 --out "$work/sudoku.h5" >/dev/null
final=$(printf 'step_%08d' 24)
export RECUR_HOME=$src RECUR_BIN=$recur
submit() {  # submit NAME LAUNCHER: a job of train.sbatch on both nodes, one rank each
  ctl env RECUR_RUN_DIR="$work/$1" RECUR_LAUNCHER="$2" sbatch --parsable --nodes=2 --ntasks-per-node=1 \
    -D "$work" -o "$work/$1-%j.out" "$src/scripts/slurm/train.sbatch" "$src/tests/slurm/tiny.yaml" \
    "data_paths=[$work/sudoku.h5]" threads=1 checkpoint_interval=4 arch.H_cycles=1
}
JR=$(submit R mpirun)
JP=$(submit P srun)
echo "submitted R=$JR P=$JP"
job_field() { ctl scontrol show job "$1" | grep -oE "(^| )$2=[^ ]+" | head -1 | cut -d= -f2; }

# How many ranks of run NAME run on each host now ("1 1": one on each), found by
# namespace: processes of the recur binary itself, not the launchers that name it.
# (Read with builtins: under load a fork per process would take longer than the run.)
ranks_per_host() {
  local h pid n args
  for h in "${hosts[@]}"; do
    n=0
    for pid in $(ip netns pids "$h"); do
      mapfile -d '' args 2>/dev/null <"/proc/$pid/cmdline" || continue
      [ "${args[0]:-}" = "$recur" ] && [ "${args[1]:-}" = train ] &&
        [[ " ${args[*]} " == *" run_dir=$work/$1 "* ]] && n=$((n + 1))
    done
    printf '%s ' "$n"
  done
}
# Waits until run NAME (job JOB) has logged a line matching PATTERN, then checks that
# it runs one rank on each host.
wait_line_on_both() {
  local on polls=0
  until grep -qs "$3" "$work/$1"-*.out; do
    [ "$(date +%s)" -lt "$give_up_at" ] || { fail "$1 logged no '$3' after $((give_up_at - t_start)) s"; return 1; }
    # Every 2 s, whether the job is still queued (a requeued job is, pending): a cheap
    # loop, so that under load the look at the ranks comes soon after the line.
    if [ $((++polls % 20)) = 0 ] && [ -z "$(ctl squeue -h -j "$2")" ] && ! grep -qs "$3" "$work/$1"-*.out; then
      fail "$1 ended $(job_field "$2" JobState) before logging '$3'"
      return 1
    fi
    sleep 0.1
  done
  on=$(ranks_per_host "$1")
  if [ "$on" = "1 1 " ]; then
    echo "$1 trains one rank on each of ${hosts[*]} after '$3'"
  else
    fail "$1 does not run one rank on each host after '$3': ${hosts[*]} run $on"
  fi
}

# USR1 once P has written a checkpoint (a signal sent before the batch shell runs is lost);
# both jobs have 20 steps to go then, time for the look at their ranks and for the signal. (P's resumed run may end before a look at its processes: Slurm's allocation and
# the run's log show that it ran 2 ranks on both nodes.)
wait_line_on_both P "$JP" "checkpoint $work/P/checkpoints/step_00000004" || true
ctl scancel --signal=USR1 --batch "$JP"
echo "USR1 sent to P after $(($(date +%s) - t_start)) s"
wait_line_on_both R "$JR" "checkpoint $work/R/checkpoints/step_00000004" || true
while [ -n "$(ctl squeue -h)" ]; do
  [ "$(date +%s)" -lt "$give_up_at" ] || { fail "jobs still queued after $((give_up_at - t_start)) s"; ctl squeue; break; }
  sleep 1
done

echo "--- R: uninterrupted on both nodes (mpirun)"
[ "$(job_field "$JR" JobState)" = COMPLETED ] || fail "R ended $(job_field "$JR" JobState)"
[ "$(job_field "$JR" NodeList)" = "${hosts[0]},${hosts[1]}" ] || fail "R ran on $(job_field "$JR" NodeList)"
grep -q "launcher: mpirun" "$work/R-$JR.out" || fail "R did not use mpirun"
grep -q "on 2 node(s), 2 task(s)" "$work/R-$JR.out" || fail "R did not run 2 tasks on 2 nodes"
[ -f "$work/R/checkpoints/$final/COMPLETE" ] || fail "R: no final checkpoint $final"

echo "--- P: USR1 -> checkpoint, exit 75 -> requeue -> resume on both nodes (srun --mpi=pmix)"
[ "$(job_field "$JP" JobState)" = COMPLETED ] || fail "P ended $(job_field "$JP" JobState)"
[ "$(job_field "$JP" Restarts)" = 1 ] || fail "P restarted $(job_field "$JP" Restarts) times, expected 1"
grep -q "launcher: srun --mpi=pmix" "$work/P-$JP.out" || fail "P did not use srun --mpi=pmix"
grep -q "stop signal: asking recur to checkpoint" "$work/P-$JP.out" || fail "P: the batch shell's trap did not run"
grep -q "recur stopped (exit 75 = checkpoint written): requeueing job $JP" "$work/P-$JP.out" ||
  fail "P: recur did not exit 75 after USR1"
grep -q "JobId=$JP .*JobState=FAILED .*ExitCode=75:0" "$run/log/jobcomp.txt" ||
  fail "P: no first run ending with exit code 75 in jobcomp.txt"
grep -q "job $JP (run 1) on 2 node(s), 2 task(s)" "$work/P-$JP.out" || fail "P: no second run on 2 nodes"
[ "$(job_field "$JP" NodeList)" = "${hosts[0]},${hosts[1]}" ] || fail "P's second run ran on $(job_field "$JP" NodeList)"
resumed=$(grep -oE 'resumed from .* \(step [0-9]+\)' "$work/P/log.txt" | grep -oE '[0-9]+\)$' | tr -d ')' || true)
if [ -z "$resumed" ] || [ "$resumed" -le 4 ] || [ "$resumed" -ge 24 ]; then
  fail "P: no resume from the checkpoint of its stop after step 4 (resumed at '${resumed}')"
else
  echo "P stopped at step $resumed of 24 and resumed"
fi
grep "run folder " "$work/P/log.txt" | tail -1 | grep -q "(2 rank(s)" || fail "P's second run did not run 2 ranks"
"$python" "$src/tests/multihost/same_state.py" "$work/R/checkpoints/$final" "$work/P/checkpoints/$final" ||
  fail "P (stopped, requeued, resumed) differs from R"

# The hosts' only link to each other: Slurm's and MPI's traffic both crossed it.
echo "the veth carried $(ip -n "${hosts[0]}" -s -j link show "${links[0]}" |
  jq '(.[0].stats64.tx.bytes + .[0].stats64.rx.bytes) / 1e6 | floor') MB"

if [ "$failed" != 0 ]; then
  for f in "$work"/*.out; do echo "== $f"; grep -v '^step ' "$f" | tail -30; done
  tail -20 "$run/log/slurmctld.log"
  exit 1
fi
echo "slurm_two_nodes: all passed in $(($(date +%s) - t_start)) s"
