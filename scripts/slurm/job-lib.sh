# shellcheck shell=bash
# Shared by the recur batch scripts (train.sbatch, sweep.sbatch, build-data.sbatch);
# sourced, not run. It holds the three things every recur job must get right:
#
# 1. Where recur is: $RECUR_BIN, default $RECUR_HOME/build/recur (RECUR_HOME is the
#    repository; the batch scripts default it to the submit directory).
# 2. How ranks start: one task per GPU (or per CPU rank) with `srun --mpi=pmix` when
#    this Slurm has the PMIx plugin (Open MPI is built against PMIx; Debian's Open MPI
#    is not built with Slurm's PMI-2), else Open MPI's `mpirun`, which reads the Slurm
#    allocation itself. RECUR_LAUNCHER=srun|mpirun forces one. Each rank takes its
#    node-local rank's GPU (or the one GPU it sees with --gpus-per-task=1), and its
#    share of the CPUs it may run on.
# 3. Stopping and requeueing: Slurm signals the *batch shell* (--signal=B:USR1@120,
#    or `scancel --signal=USR1 --batch`); a shell runs its trap only between
#    commands, so the workload runs as `cmd & wait`. The trap passes USR1 on to the
#    launcher: srun and mpirun both forward USR1 to every rank (SIGTERM would not do:
#    Open MPI's mpirun kills its ranks ~2 s after a SIGTERM). recur finishes the
#    step, all ranks write one checkpoint and exit 75, and the job is requeued:
#    by Slurm itself where slurm.conf has RequeueExit=75, else by `scontrol requeue`.
#    The requeued job keeps its job id, hence its run folder, and resume=auto
#    continues from the latest complete checkpoint.

recur_job_log() { echo "[recur-job $(date +%T)] $*"; }

recur_job_binary() {
  RECUR_BIN=${RECUR_BIN:-$RECUR_HOME/build/recur}
  if [ ! -x "$RECUR_BIN" ]; then
    recur_job_log "error: no recur binary at $RECUR_BIN (set RECUR_BIN or RECUR_HOME, or build with scripts/build.sh)"
    exit 2
  fi
}

# The launcher command line for $SLURM_NTASKS ranks, into the array RECUR_LAUNCH.
recur_job_launcher() {
  local kind=${RECUR_LAUNCHER:-auto}
  if [ "$kind" = auto ]; then
    if srun --mpi=list 2>&1 | grep -q pmix; then kind=srun; else kind=mpirun; fi
  fi
  case $kind in
    # No --kill-on-bad-exit: after a stop every rank exits 75, and rank 0 must not
    # be killed while it still publishes the checkpoint.
    srun) RECUR_LAUNCH=(srun --mpi=pmix --ntasks="$SLURM_NTASKS") ;;
    # --bind-to none: recur runs several torch threads per rank; Open MPI's default
    # binding would pin all of them to one core.
    mpirun) RECUR_LAUNCH=(mpirun -np "$SLURM_NTASKS" --bind-to none) ;;
    *) recur_job_log "error: RECUR_LAUNCHER must be auto, srun or mpirun, not '$kind'"; exit 2 ;;
  esac
  recur_job_log "launcher: ${RECUR_LAUNCH[*]}"
}

# Runs "$@" in the background and waits for it, passing USR1 and TERM on to it as
# USR1 (see 3. above). Returns its exit status; RECUR_JOB_STOPPED=1 after a signal.
recur_job_forward_stop() {
  recur_job_log "stop signal: asking recur to checkpoint"
  RECUR_JOB_STOPPED=1
  [ -n "${RECUR_JOB_CHILD:-}" ] && kill -USR1 "$RECUR_JOB_CHILD" 2>/dev/null
}
recur_job_run() {
  local status
  RECUR_JOB_CHILD=
  RECUR_JOB_STOPPED=0
  trap recur_job_forward_stop USR1 TERM
  "$@" &
  RECUR_JOB_CHILD=$!
  while true; do
    wait "$RECUR_JOB_CHILD"
    status=$?
    # wait returns early (status > 128) when a trapped signal arrives; the child
    # is still running then, so wait again for its real status.
    kill -0 "$RECUR_JOB_CHILD" 2>/dev/null || break
  done
  trap - USR1 TERM
  RECUR_JOB_CHILD=
  return "$status"
}

# Ends the batch script so that Slurm runs it again (recur exited 75).
recur_job_requeue() {
  recur_job_log "recur stopped (exit 75 = checkpoint written): requeueing job $SLURM_JOB_ID"
  # (grep without -q: an early exit would fail the pipeline under pipefail)
  if scontrol show config 2>/dev/null | grep -E '^RequeueExit[[:space:]]*=[[:space:]]*([0-9,-]*,)?75(,|$)' >/dev/null; then
    exit 75
  fi
  scontrol requeue "$SLURM_JOB_ID" || recur_job_log "error: scontrol requeue failed; resubmit this script to resume"
  exit 75
}

# Runs `recur train` on every rank of the job and requeues on exit 75.
# Usage: recur_job_train RECIPE [key=value ...]   (run_dir and resume come from the caller)
# With -c/--cpus-per-task, each rank runs that many torch threads (the caller's
# overrides still win: later keys override earlier ones).
recur_job_train() {
  local status recipe=$1 threads=()
  shift
  [ -n "${SLURM_CPUS_PER_TASK:-}" ] && threads=(threads="$SLURM_CPUS_PER_TASK")
  recur_job_launcher
  recur_job_run "${RECUR_LAUNCH[@]}" "$RECUR_BIN" train "$recipe" "${threads[@]}" "$@"
  status=$?
  [ "$status" -eq 75 ] && recur_job_requeue
  # Any other failure after our stop signal (e.g. it came before recur was ready for
  # it): the latest complete checkpoint is still there, so run again from it.
  if [ "$status" -ne 0 ] && [ "$RECUR_JOB_STOPPED" = 1 ]; then
    recur_job_log "recur train exited $status after a stop signal"
    recur_job_requeue
  fi
  recur_job_log "recur train exited $status"
  exit "$status"
}
