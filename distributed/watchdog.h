// Collective watchdog: a rank stuck in a collective aborts the whole job, with one
// line that names this rank, the collective and the peers that did not arrive,
// each with its host (`rank 1 on node07`).
//
// Why a thread: the fastest collectives are the blocking ones (Open MPI's tuned
// MPI_Allreduce moved 7M floats in ~7 ms here, the in-place MPI_Iallreduce that a
// polling design would use took ~15 ms), and NCCL kernels run on the GPU. So the
// caller blocks inside the collective, and this thread watches the clock: every
// collective enters a Scope that records its number, name and start time.
//
// How peers are named: on a timeout the watchdog asks every peer, on its own
// duplicate of the communicator, where it is. Each peer's watchdog thread answers
// with its state (inside collective #k, or computing since #k ended). A peer that
// is still computing, or stuck in an earlier collective, has not arrived; a peer
// that does not answer is stopped, dead or unreachable. No message is exchanged
// while all is well, so the watchdog costs nothing on the hot path beyond a mutex.
//
// After printing, the abort hook runs (ncclCommAbort for NCCL), then MPI_Abort
// takes the job down: mpirun/srun kill every rank, including a stopped one.
#pragma once

#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace recur::distributed {

class Watchdog {
 public:
  // Duplicates `world` (collective: every rank constructs its watchdog together).
  Watchdog(MPI_Comm world, double timeout_s);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void set_timeout(double seconds);

  // While a Scope lives, this rank is inside collective `op` `name`. Scopes nest: an
  // inner one (one step of a larger collective) keeps the outer one's number.
  class Scope {
   public:
    ~Scope() { dog_.leave(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    friend class Watchdog;
    explicit Scope(Watchdog& dog) : dog_(dog) {}
    Watchdog& dog_;
  };
  [[nodiscard]] Scope enter(std::string_view op, std::string_view name);

  // Polled by the watchdog thread; a non-empty message aborts the job (NCCL errors).
  // Once set_health_check(nullptr) returns, the old check is no longer running.
  void set_health_check(std::function<std::string()> check);
  // Run by the watchdog thread just before MPI_Abort (ncclCommAbort).
  void set_abort_hook(std::function<void()> hook);

 private:
  using Clock = std::chrono::steady_clock;
  struct State {
    int64_t seq = 0;      // number of the collective inside, or of the last one left
    bool inside = false;  // inside a collective now
    std::string label;    // "all_reduce 'grads'"
    Clock::time_point since = Clock::now();  // entry time when inside, else exit time
  };
  struct Reply;  // a peer's State on the wire

  void leave();
  State snapshot() const;
  std::string run_health_check();
  void run();
  void answer_queries();
  void forget_sent_replies(bool wait);
  std::string ask_peers(const State& mine, double timeout);
  std::string line_start() const;
  [[noreturn]] void abort_job(const std::string& line);

  MPI_Comm comm_ = MPI_COMM_NULL;  // private duplicate: queries never meet user traffic
  int rank_ = 0;
  int size_ = 1;
  std::vector<std::string> hosts_;  // every rank's host name

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  State state_;
  int depth_ = 0;
  double timeout_s_;
  bool stopping_ = false;

  std::mutex hooks_mutex_;
  std::function<std::string()> health_check_;
  std::function<void()> abort_hook_;

  // Used by the watchdog thread only.
  std::vector<std::pair<MPI_Request, std::unique_ptr<Reply>>> sent_replies_;
  int64_t asked_seq_ = 0;             // what ask_peers sent
  std::vector<Reply> peer_replies_;   // where ask_peers receives
  std::thread thread_;
};

}  // namespace recur::distributed
