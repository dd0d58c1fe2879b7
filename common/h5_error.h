// Why the last HDF5 call failed, in words a user can act on.
//
// HDF5 reports failures through its own error stack, not errno. When a system
// call fails inside it (a write on a full disk), its file driver records the
// OS's errno in the message ("..., errno = 28, error message = 'No space left
// on device'"), so that is what we look for: the reason becomes the OS's own
// strerror text, the same words os_error() gives for our own writes. Without
// one, the innermost HDF5 description is the best reason there is.
//
// Call it right after the failing call: every HDF5 API call, closing a handle
// included, clears the stack first.
#pragma once

#include <hdf5.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace recur {

namespace h5_error_detail {

struct Reason {
  int error_number = 0;   // the first errno found on the stack, or 0
  std::string innermost;  // the most specific description
};

inline herr_t visit(unsigned n, const H5E_error2_t* e, void* data) {
  auto* reason = static_cast<Reason*>(data);
  const char* desc = e->desc ? e->desc : "";
  if (n == 0) reason->innermost = desc;
  const char* at = std::strstr(desc, "errno = ");
  if (at && reason->error_number == 0) reason->error_number = std::atoi(at + std::strlen("errno = "));
  return 0;
}

}  // namespace h5_error_detail

inline std::string h5_failure_reason() {
  h5_error_detail::Reason reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5_error_detail::visit, &reason);
  if (reason.error_number > 0) return std::strerror(reason.error_number);
  return reason.innermost.empty() ? "HDF5 error (no reason recorded)" : reason.innermost;
}

}  // namespace recur
