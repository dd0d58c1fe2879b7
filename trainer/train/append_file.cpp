// Whole-record appends (see append_file.h).
#include "trainer/train/append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoints/atomic_file.h"
#include "common/os_error.h"

namespace recur::trainer {

AppendFile::AppendFile(const std::string& path, bool truncate) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
  if (fd_ < 0) throw os_error(path, "cannot open for appending");
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(const std::string& record) {
  struct stat before {};
  const bool sized = ::fstat(fd_, &before) == 0;
  try {
    checkpoints::write_all(fd_, record.data(), record.size(), path_);
  } catch (...) {
    // Drop the part of the record that fit. Should that fail too, the reader
    // still meets a torn last record (metrics.jsonl's resume drops it).
    if (sized) {
      [[maybe_unused]] const int cut = ::ftruncate(fd_, before.st_size);
    }
    throw;
  }
}

}  // namespace recur::trainer
