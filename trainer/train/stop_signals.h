// Preemption: SIGUSR1 / SIGTERM ask the run to stop cleanly.
//
// The handler only records the signal (an async-signal-safe store); the train
// loop looks at the flag at each step boundary, agrees with the other ranks
// through a collective (one rank may get the signal before another), writes a
// checkpoint and exits 75 so the Slurm script requeues. A second signal during
// that checkpoint only sets the flag again: it cannot interrupt the write.
#pragma once

namespace recur::trainer {

// Installs the handlers (SA_RESTART, so blocking I/O is not cut short).
void install_stop_signal_handlers();
// The signal number received since start (0 if none).
int stop_signal_received();
// Clears the flag (tests).
void reset_stop_signal();

}  // namespace recur::trainer
