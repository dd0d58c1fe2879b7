// The one exception type for user-facing input errors (bad files, keys, values).
//
// Every folder throws it; trainer/cli/main.cpp catches it and prints
// `recur: error: <where>: <what>` and exits 2 (design.md). `where` is the file,
// config key or argument the user must fix, so the message points at it.
#pragma once

#include <stdexcept>
#include <string>

namespace recur {

class InputError : public std::runtime_error {
 public:
  InputError(std::string where, const std::string& what)
      : std::runtime_error(where.empty() ? what : where + ": " + what), where_(std::move(where)) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

}  // namespace recur
