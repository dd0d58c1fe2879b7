// RAII ownership of HDF5 identifiers, shared by datasets/ and checkpoints/.
//
// The HDF5 C API hands out integer ids that must be closed with the matching
// H5?close call; forgetting one leaks file handles and keeps files locked.
// H5Handle closes whatever it owns exactly once.
#pragma once

#include <hdf5.h>

#include <utility>

namespace recur {

class H5Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  H5Handle() = default;
  H5Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  H5Handle(H5Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), closer_(o.closer_) {}
  H5Handle& operator=(H5Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      closer_ = o.closer_;
    }
    return *this;
  }
  ~H5Handle() { reset(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  explicit operator bool() const { return valid(); }
  void reset() { close(); }
  // Closes now and returns HDF5's status: closing a file or dataset being
  // written flushes it, so a writer must check this (a full disk shows here).
  herr_t close() {
    herr_t status = 0;
    if (id_ >= 0 && closer_) status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// A file whose write failed (a full disk) cannot be closed: HDF5's close
// flushes again, fails, and leaves the file half torn down, and the library's
// clean-up at exit then crashes on it (seen with 1.10: a segfault after the
// error was reported). So main() calls this before any other HDF5 call, and
// HDF5 skips that clean-up; recur closes every file it uses through H5Handle.
inline void h5_skip_cleanup_at_exit() { H5dont_atexit(); }

// HDF5 prints its own error stack to stderr on every failed call; recur reports
// errors itself (one line naming the file), so that stack is switched off once.
inline void h5_silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace recur
