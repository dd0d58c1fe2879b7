// A file that grows by whole records, written by rank 0: metrics.jsonl and the
// TensorBoard event file.
//
// Each record goes to the file in write(2) calls, with no user-space buffer a
// crash could lose. A record that cannot be written whole (a full disk) is cut
// off again and the failure names the file and the OS's reason (exit 1), so the
// file always ends with a complete record.
#pragma once

#include <string>

namespace recur::trainer {

class AppendFile {
 public:
  // Opens `path` for appending, creating it; `truncate` empties it first.
  AppendFile(const std::string& path, bool truncate);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  void append(const std::string& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace recur::trainer
