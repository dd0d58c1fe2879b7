// Atomic file replacement (see atomic_file.h).
#include "checkpoints/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace recur::checkpoints {
namespace {

constexpr const char* kTempMarker = ".tmp-";

std::runtime_error os_error(const std::string& what, const std::string& path) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

std::string temp_path_for(const std::string& path) {
  std::filesystem::path p(path);
  std::string name = "." + p.filename().string() + kTempMarker + std::to_string(::getpid());
  return (p.parent_path() / name).string();
}

std::string parent_folder(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

}  // namespace

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw os_error("cannot open for fsync", path);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  errno = saved;
  // Some file systems refuse fsync on a folder (EINVAL); the rename is still atomic there.
  if (rc != 0 && errno != EINVAL) throw os_error("fsync failed", path);
}

void rename_durably(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) throw os_error("cannot rename " + from + " to it", to);
  fsync_path(parent_folder(to));
}

void write_atomically(const std::string& path, const std::function<void(const std::string& tmp_path)>& write) {
  std::string tmp = temp_path_for(path);
  try {
    write(tmp);
    fsync_path(tmp);
    rename_durably(tmp, path);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
}

void write_file_atomically(const std::string& path, const char* data, size_t size) {
  write_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data, static_cast<std::streamsize>(size));
    out.close();
    if (!out) throw os_error("cannot write", tmp);
  });
}

bool is_temp_name(const std::string& file_name) {
  return !file_name.empty() && file_name[0] == '.' && file_name.find(kTempMarker) != std::string::npos;
}

}  // namespace recur::checkpoints
