// Runs the real `recur` binary for CLI tests and captures what it printed.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace recur::testing {

struct ProcessResult {
  int exit_code;
  std::string out;  // stdout
  std::string err;  // stderr
};

inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `command` through the shell, capturing what it printed.
inline ProcessResult run_shell(const std::string& command) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("recur_cli_" + std::to_string(getpid()) + "_" + std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  const std::string line = command + " >" + (dir / "out").string() + " 2>" + (dir / "err").string();
  const int status = std::system(line.c_str());
  ProcessResult result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_whole_file(dir / "out"),
                       read_whole_file(dir / "err")};
  std::filesystem::remove_all(dir);
  return result;
}

// Runs `env <env> recur <args>` through the shell; `args` and `env` are shell
// words, quoted by the caller where needed.
inline ProcessResult run_recur(const std::string& args, const std::string& env = "") {
  return run_shell("env " + env + " " + RECUR_BINARY + " " + args);
}

}  // namespace recur::testing
