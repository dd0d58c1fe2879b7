// The run folder's lock (see run_dir_lock.h).
#include "trainer/train/run_dir_lock.h"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <filesystem>

#include "checkpoints/atomic_file.h"
#include "common/error.h"
#include "common/os_error.h"
#include "trainer/train/run_record.h"

namespace recur::trainer {
namespace {

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown host";
  return name;
}

// What the holder wrote: "host H, pid P, started T", or a note when it has
// not written it yet (it takes the lock first, then writes).
std::string holder_of(int fd) {
  char text[512] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string holder = n > 0 ? std::string(text, static_cast<size_t>(n)) : "";
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  return holder.empty() ? "a process that has not yet written its name" : holder;
}

// Errors a file system gives when it cannot lock at all.
bool locks_unsupported(int error_number) {
  return error_number == ENOLCK || error_number == ENOSYS || error_number == EOPNOTSUPP ||
         error_number == EINVAL;
}

}  // namespace

RunDirLock::RunDirLock(const std::string& run_dir) {
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) throw InputError(run_dir, "cannot create the run folder: " + ec.message());
  const std::string path = run_dir + "/lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw os_error(path, "cannot open the run folder's lock");

  struct flock whole {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file
  if (::fcntl(fd_, F_SETLK, &whole) != 0) {
    const int error_number = errno;
    if (error_number == EAGAIN || error_number == EACCES) {
      const std::string holder = holder_of(fd_);
      ::close(fd_);
      fd_ = -1;
      throw InputError(path, "the run folder is in use by another run: " + holder +
                                 ". Wait for it to end, or choose another run_dir; if that process is gone "
                                 "for good (its node lost) and the file system still holds its lock, remove " +
                                 path + " and start again");
    }
    if (!locks_unsupported(error_number)) throw os_error(path, "cannot lock the run folder", error_number);
    spdlog::warn("{}: this file system cannot lock files ({}): nothing keeps a second run out of this folder",
                 path, std::strerror(error_number));
    return;
  }
  const std::string holder = "host " + this_host() + ", pid " + std::to_string(::getpid()) + ", started " +
                             utc_timestamp() + "\n";
  try {
    if (::ftruncate(fd_, 0) != 0) throw os_error(path, "cannot write");
    checkpoints::write_all(fd_, holder.data(), holder.size(), path);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

RunDirLock::~RunDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace recur::trainer
