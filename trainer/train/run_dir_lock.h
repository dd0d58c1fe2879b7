// RUN/lock: a run folder has one writer at a time.
//
// Two `recur train` on one folder (a requeued job starting while the old one
// still writes, a sweep with a duplicated name) would interleave checkpoints
// and metrics rows. So rank 0 holds an fcntl write lock on RUN/lock for the
// whole run; a second run finds it taken and stops with exit 2, naming the
// holder: host, pid and start time, which the holder wrote into the file.
//
// Why an fcntl lock and not a lock *file*: the lock belongs to the process,
// and the kernel releases it when the process ends, however it ends (kill -9,
// a crash, OOM). A dead holder never blocks a resume, and there is nothing
// stale to clean up; the file's text only describes the last holder.
//
// Which file systems it covers: every local one (ext4, xfs, btrfs, tmpfs...)
// and shared ones whose fcntl locks are cluster-wide: NFSv4, NFSv3 with the
// lock manager (lockd, the default; not with -o nolock or local_lock), Lustre
// mounted with -o flock (not localflock), IBM Storage Scale (GPFS), CephFS,
// BeeGFS with tuneUseGlobalFileLocks. On those, a holder on a node that died
// keeps the lock until the server notices: NFSv4 after its lease (90 s by
// default), NFSv3 when the node reboots. A file system that cannot lock at
// all gets a warning and the run goes on unprotected.
#pragma once

#include <string>

namespace recur::trainer {

class RunDirLock {
 public:
  // Creates the folder if needed and takes the lock; an InputError naming
  // RUN/lock and the holder when another process has it.
  explicit RunDirLock(const std::string& run_dir);
  ~RunDirLock();  // releases the lock
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace recur::trainer
