// Atomic file replacement (see atomic_file.h).
#include "checkpoints/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "common/os_error.h"

namespace recur::checkpoints {
namespace {

constexpr const char* kTempMarker = ".tmp-";

std::string temp_path_for(const std::string& path) {
  std::filesystem::path p(path);
  std::string name = "." + p.filename().string() + kTempMarker + std::to_string(::getpid());
  return (p.parent_path() / name).string();
}

std::string parent_folder(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// fsync(path); errors name `shown` (the final name a user knows, not the temporary).
void fsync_named(const std::string& path, const std::string& shown) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw os_error(shown, "cannot open for fsync");
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  // Some file systems refuse fsync on a folder (EINVAL); the rename is still atomic there.
  if (rc != 0 && saved != EINVAL) throw os_error(shown, "cannot write to disk (fsync)", saved);
}

}  // namespace

void fsync_path(const std::string& path) { fsync_named(path, path); }

void rename_durably(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) throw os_error(to, "cannot rename " + from + " to it");
  fsync_path(parent_folder(to));
}

void write_atomically(const std::string& path, const std::function<void(const std::string& tmp_path)>& write) {
  std::string tmp = temp_path_for(path);
  try {
    write(tmp);
    fsync_named(tmp, path);
    rename_durably(tmp, path);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

void write_all(int fd, const char* data, size_t size, const std::string& shown) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw os_error(shown, "cannot write");
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void write_file_atomically(const std::string& path, const char* data, size_t size) {
  write_atomically(path, [&](const std::string& tmp) {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw os_error(path, "cannot create");
    try {
      write_all(fd, data, size, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (::close(fd) != 0) throw os_error(path, "cannot write");
  });
}

void write_text_file_atomically(const std::string& path, const std::string& text) {
  write_file_atomically(path, text.data(), text.size());
}

bool is_temp_name(const std::string& file_name) {
  return !file_name.empty() && file_name[0] == '.' && file_name.find(kTempMarker) != std::string::npos;
}

}  // namespace recur::checkpoints
