// RUN/run.json: what ran in this folder and how each process ended, for the
// report (`recur report`) and for people.
//
// metrics.jsonl says what a run measured; it cannot say that the process was
// stopped by a signal or failed. Rank 0 therefore keeps one small JSON file,
// rewritten atomically at start-up and at the end of every process of the run
// (a resumed run adds a process):
//
//   {"format": "recur-run", "version": 1, "recipe": ..., "recur": <recur --version>,
//    "libtorch": "2.13.0", "processes": [{"started", "ended", "status", "exit_code",
//    "reason", "first_step", "last_step", "world_size", "device", "threads", "host"}]}
//
// status is "running" until the process ends, then "finished" (exit 0, the
// run is complete), "stopped" (exit 75 on SIGUSR1/SIGTERM, or exit 0 after
// stop_after_steps: resume continues it) or "failed" (exit 1 or 2, `reason`
// holds the error). A process killed outright (kill -9, a lost node) stays
// "running": the report says it ended without a word.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace recur::trainer {

struct ProcessFacts {
  std::string recipe;
  int world_size = 1;
  std::string device;
  int threads = 1;
  int64_t first_step = 0;
};

class RunRecord {
 public:
  // Reads RUN/run.json when there is one (a resumed run) and adds this
  // process as "running". An unreadable file is replaced, with a warning.
  RunRecord(const std::string& run_dir, const ProcessFacts& facts);
  // The process's end: status "finished", "stopped" or "failed", its exit code, why.
  void end(const std::string& status, int exit_code, int64_t last_step, const std::string& reason);

 private:
  void save() const;

  std::string path_;
  nlohmann::json record_;
};

// The current UTC time as ISO 8601 ("2025-01-31T12:00:00Z").
std::string utc_timestamp();

}  // namespace recur::trainer
