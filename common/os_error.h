// Failures of the operating system as one line that names the file and gives
// the OS's own reason: `RUN/metrics.jsonl: cannot write: No space left on
// device`. A failed write, sync or rename is a runtime failure (exit 1), not
// bad input, so this is a std::runtime_error and never an InputError.
#pragma once

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace recur {

// `path: what: strerror(error_number)`; call it before anything else can
// change errno (a close, a remove), or pass the saved value.
inline std::runtime_error os_error(const std::string& path, const std::string& what, int error_number = errno) {
  return std::runtime_error(path + ": " + what + ": " + std::strerror(error_number));
}

}  // namespace recur
