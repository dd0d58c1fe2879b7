// RUN/tensorboard/: the scalars of metrics.jsonl as TensorBoard event files
// (log_tensorboard: true), written by rank 0 beside metrics.jsonl.
//
// An event file is a sequence of records (length, masked CRC-32C of the
// length, payload, masked CRC-32C of the payload), each payload one `Event`
// protocol buffer. recur needs four messages of TensorFlow's event.proto and
// summary.proto (Event, Summary, Summary.Value with simple_value, SessionLog)
// and encodes them by hand: a dozen lines of wire format instead of a
// dependency on protobuf and generated code.
//
// Each metrics row becomes one Event at the row's step holding every numeric
// value of the row but "step", under the same names ("loss", "eval/exact_accuracy"),
// each tag once per step (an evaluation row's epoch is the training row's).
// A process writes its own file; a resumed run first writes a SessionLog
// START at the first step it trains again, which tells TensorBoard to drop
// the earlier process's events from that step on (as metrics.jsonl drops its
// rows past the checkpoint). Records are appended whole (append_file.h): a
// full disk ends the run naming the event file and the OS's reason (exit 1).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

#include "trainer/train/append_file.h"

namespace recur::trainer {

class TensorBoardLog {
 public:
  // Creates `dir` and a new event file in it. `resume_step` is the step the
  // run continues from (0 for a fresh run).
  TensorBoardLog(const std::string& dir, int64_t resume_step);
  void write(const nlohmann::json& row);
  const std::string& path() const { return file_.path(); }

 private:
  void write_record(const std::string& payload);

  AppendFile file_;
  std::map<std::string, int64_t> last_step_;  // tag -> the step it was last written at
};

}  // namespace recur::trainer
