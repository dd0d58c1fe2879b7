// SIGUSR1/SIGTERM -> a flag read at step boundaries (see stop_signals.h).
#include "trainer/train/stop_signals.h"

#include <csignal>

namespace recur::trainer {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) { g_stop_signal = sig; }

}  // namespace

void install_stop_signal_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int stop_signal_received() { return g_stop_signal; }

void reset_stop_signal() { g_stop_signal = 0; }

}  // namespace recur::trainer
