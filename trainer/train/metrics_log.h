// RUN/metrics.jsonl: one JSON object per logged step, written by rank 0.
//
// Rows are appended whole or not at all (append_file.h): a crash loses at most
// the row being written, and a full disk ends the run naming the file and the
// OS's reason, the file ending with a complete row. A resumed run first drops
// the rows logged after the checkpoint it resumes from: those steps are trained
// again, and the file should read as one run, not two overlapping ones.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "trainer/train/append_file.h"

namespace recur::trainer {

class MetricsLog {
 public:
  // Opens `path` for appending. With `resume_step` >= 0, rows whose "step" is
  // greater are removed first (atomically: rewrite to a temp file, rename).
  explicit MetricsLog(const std::string& path, int64_t resume_step = -1);

  void write(const nlohmann::json& row);
  const std::string& path() const { return file_.path(); }

 private:
  AppendFile file_;
};

// Reads every row of a metrics file (for tests and `recur eval` comparisons);
// a malformed line is an InputError naming the file and line.
std::vector<nlohmann::json> read_metrics(const std::string& path);

}  // namespace recur::trainer
