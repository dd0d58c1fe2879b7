// RUN/metrics.jsonl: one JSON object per logged step, written by rank 0.
//
// Rows are appended one write(2) at a time, so a crash loses at most the row
// being written. A row that cannot be written whole (a full disk) is cut off
// again and the failure names the file and the OS's reason: the file always
// ends with a complete row. A resumed run first drops the rows logged after
// the checkpoint it resumes from: those steps are trained again, and the file
// should read as one run, not two overlapping ones.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace recur::trainer {

class MetricsLog {
 public:
  // Opens `path` for appending. With `resume_step` >= 0, rows whose "step" is
  // greater are removed first (atomically: rewrite to a temp file, rename).
  explicit MetricsLog(const std::string& path, int64_t resume_step = -1);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  void write(const nlohmann::json& row);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// Reads every row of a metrics file (for tests and `recur eval` comparisons);
// a malformed line is an InputError naming the file and line.
std::vector<nlohmann::json> read_metrics(const std::string& path);

}  // namespace recur::trainer
