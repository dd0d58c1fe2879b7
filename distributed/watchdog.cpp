// Collective watchdog (see watchdog.h for the design).
#include "distributed/watchdog.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace recur::distributed {
namespace {

constexpr int kQueryTag = 1;
constexpr int kReplyTag = 2;
constexpr int kAbortExitCode = 1;  // design.md: 1 = runtime failure
constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr double kAbortHookSeconds = 10;  // ncclCommAbort may itself hang on a dead network
constexpr size_t kMaxListed = 8;          // peers named per category in the abort line
constexpr int kHostNameBytes = 64;        // a host name as exchanged (longer ones are cut)

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string format_seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

// "a, b, c", or the first kMaxListed items and "and N more"
std::string join_listed(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < kMaxListed; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > kMaxListed) out += " and " + std::to_string(items.size() - kMaxListed) + " more";
  return out;
}

}  // namespace

struct Watchdog::Reply {
  int64_t seq = 0;
  int32_t inside = 0;
  int32_t unused = 0;
  double seconds = 0;  // since entry (inside) or since the last collective ended
  char label[80] = {};
};

Watchdog::Watchdog(MPI_Comm world, double timeout_s) : timeout_s_(timeout_s) {
  MPI_Comm_dup(world, &comm_);
  // A dead peer must not turn our question into a fatal MPI error: we are aborting anyway.
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  // Every rank's host, so an abort line says where a rank runs (a job spans nodes).
  char mine[kHostNameBytes] = {};
  ::gethostname(mine, sizeof mine - 1);
  std::vector<char> all(static_cast<size_t>(size_) * kHostNameBytes);
  MPI_Allgather(mine, kHostNameBytes, MPI_CHAR, all.data(), kHostNameBytes, MPI_CHAR, comm_);
  for (int r = 0; r < size_; ++r) hosts_.emplace_back(all.data() + static_cast<size_t>(r) * kHostNameBytes);
  thread_ = std::thread([this] { run(); });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  forget_sent_replies(/*wait=*/true);
  MPI_Comm_free(&comm_);
}

void Watchdog::set_timeout(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  timeout_s_ = seconds;
}

Watchdog::Scope Watchdog::enter(std::string_view op, std::string_view name) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (depth_++ == 0) {
    state_.seq += 1;
    state_.inside = true;
    state_.label.assign(op).append(" '").append(name).append("'");
    state_.since = Clock::now();
  }
  return Scope(*this);
}

void Watchdog::leave() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (--depth_ == 0) {
    state_.inside = false;
    state_.since = Clock::now();
  }
}

void Watchdog::set_health_check(std::function<std::string()> check) {
  std::lock_guard<std::mutex> lock(hooks_mutex_);
  health_check_ = std::move(check);
}

void Watchdog::set_abort_hook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(hooks_mutex_);
  abort_hook_ = std::move(hook);
}

// Under hooks_mutex_, so the owner of the checked object (an NCCL communicator) can
// remove the check and then destroy the object safely.
std::string Watchdog::run_health_check() {
  std::lock_guard<std::mutex> lock(hooks_mutex_);
  return health_check_ ? health_check_() : std::string();
}

Watchdog::State Watchdog::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

void Watchdog::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kPollInterval);
    if (stopping_) break;
    State state = state_;
    double timeout = timeout_s_;
    lock.unlock();

    answer_queries();
    std::string problem = run_health_check();
    if (!problem.empty()) {
      std::string during = state.inside ? " during " + state.label + " (collective #" +
                                              std::to_string(state.seq) + ")"
                                        : "";
      abort_job(line_start() + problem + during + "; aborting the job");
    }
    double waited = seconds_between(state.since, Clock::now());
    if (state.inside && waited > timeout) {
      abort_job(line_start() + state.label + " (collective #" + std::to_string(state.seq) +
                ") not complete after " + format_seconds(waited) + "; " + ask_peers(state, timeout) +
                "; aborting the job");
    }
    lock.lock();
  }
}

// Answers every pending "where are you?" with this rank's current state.
void Watchdog::answer_queries() {
  forget_sent_replies(/*wait=*/false);
  for (;;) {
    int found = 0;
    MPI_Status status;
    if (MPI_Iprobe(MPI_ANY_SOURCE, kQueryTag, comm_, &found, &status) != MPI_SUCCESS || !found) return;
    int64_t asker_seq = 0;
    MPI_Recv(&asker_seq, 1, MPI_INT64_T, status.MPI_SOURCE, kQueryTag, comm_, MPI_STATUS_IGNORE);
    State state = snapshot();
    auto reply = std::make_unique<Reply>();
    reply->seq = state.seq;
    reply->inside = state.inside;
    reply->seconds = seconds_between(state.since, Clock::now());
    std::strncpy(reply->label, state.label.c_str(), sizeof(reply->label) - 1);
    MPI_Request request;
    if (MPI_Isend(reply.get(), sizeof(Reply), MPI_BYTE, status.MPI_SOURCE, kReplyTag, comm_, &request) ==
        MPI_SUCCESS)
      sent_replies_.emplace_back(request, std::move(reply));
  }
}

// Drops replies whose send completed. With `wait` (shutdown), gives pending sends a
// moment; a send to a peer that died never completes, so it is freed and its small
// buffer deliberately leaked (MPI may still read it).
void Watchdog::forget_sent_replies(bool wait) {
  auto deadline = Clock::now() + std::chrono::seconds(1);
  auto sent = [](auto& entry) {
    int flag = 0;
    return MPI_Test(&entry.first, &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS || flag;
  };
  for (;;) {
    sent_replies_.erase(std::remove_if(sent_replies_.begin(), sent_replies_.end(), sent),
                        sent_replies_.end());
    if (!wait || sent_replies_.empty() || Clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!wait) return;
  for (auto& [request, reply] : sent_replies_) {
    MPI_Request_free(&request);
    reply.release();
  }
  sent_replies_.clear();
}

// Asks every peer where it is and says which ones have not arrived at `mine`.
// The buffers are members: a silent peer's receive stays posted until the job ends.
std::string Watchdog::ask_peers(const State& mine, double timeout) {
  double grace = std::min(2.0, std::max(0.5, timeout / 4));
  asked_seq_ = mine.seq;
  peer_replies_.assign(size_, Reply());
  std::vector<MPI_Request> receives(size_, MPI_REQUEST_NULL);
  std::vector<MPI_Request> queries(size_, MPI_REQUEST_NULL);
  std::vector<bool> answered(size_, false);
  for (int peer = 0; peer < size_; ++peer) {
    if (peer == rank_) continue;
    MPI_Irecv(&peer_replies_[peer], sizeof(Reply), MPI_BYTE, peer, kReplyTag, comm_, &receives[peer]);
    MPI_Isend(&asked_seq_, 1, MPI_INT64_T, peer, kQueryTag, comm_, &queries[peer]);
  }
  auto deadline = Clock::now() + std::chrono::duration<double>(grace);
  int pending = size_ - 1;
  while (pending > 0 && Clock::now() < deadline) {
    answer_queries();  // peers whose watchdog fires too are asking us at the same time
    for (int peer = 0; peer < size_; ++peer) {
      if (peer == rank_ || answered[peer]) continue;
      int flag = 0;
      if (MPI_Test(&receives[peer], &flag, MPI_STATUS_IGNORE) == MPI_SUCCESS && flag) {
        answered[peer] = true;
        --pending;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  std::vector<std::string> silent, late;
  for (int peer = 0; peer < size_; ++peer) {
    if (peer == rank_) continue;
    const Reply& r = peer_replies_[peer];
    const std::string where = std::to_string(peer) + " on " + hosts_[peer];
    if (!answered[peer]) {
      silent.push_back(where);
    } else if (r.inside && r.seq < asked_seq_) {
      late.push_back("rank " + where + " (stuck in #" + std::to_string(r.seq) + " " + r.label + " for " +
                     format_seconds(r.seconds) + ")");
    } else if (!r.inside && r.seq < asked_seq_) {
      late.push_back("rank " + where + " (busy outside collectives for " + format_seconds(r.seconds) +
                     " since #" + std::to_string(r.seq) + " " + r.label + ")");
    }
  }
  if (silent.empty() && late.empty()) return "every peer has arrived: the transfer itself is stuck";
  std::string out = "not arrived: ";
  if (!late.empty()) out += join_listed(late);
  if (!silent.empty())
    out += std::string(late.empty() ? "" : "; ") + (silent.size() == 1 ? "rank " : "ranks ") +
           join_listed(silent) + " (no reply: stopped, dead or unreachable)";
  return out;
}

std::string Watchdog::line_start() const {
  return "recur: rank " + std::to_string(rank_) + " on " + hosts_[rank_] + ": watchdog: ";
}

void Watchdog::abort_job(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
  std::function<void()> hook;
  {
    std::lock_guard<std::mutex> lock(hooks_mutex_);
    hook = abort_hook_;
  }
  if (hook) {
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread([hook, done] {
      hook();
      *done = true;
    }).detach();
    auto deadline = Clock::now() + std::chrono::duration<double>(kAbortHookSeconds);
    while (!*done && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  MPI_Abort(MPI_COMM_WORLD, kAbortExitCode);
  std::_Exit(kAbortExitCode);
}

}  // namespace recur::distributed
