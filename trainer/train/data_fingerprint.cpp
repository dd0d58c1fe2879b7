// Data fingerprints (see data_fingerprint.h).
#include "trainer/train/data_fingerprint.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <vector>

#include "checkpoints/checksum.h"
#include "common/error.h"
#include "common/os_error.h"
#include "datasets/puzzle_file.h"

namespace recur::trainer {
namespace {

nlohmann::json describe_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw os_error(path, "cannot open");
  checkpoints::Checksum64 hash;
  std::vector<char> block(8 << 20);
  int64_t bytes = 0;
  for (;;) {
    const ssize_t n = ::read(fd, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      throw os_error(path, "cannot read", saved);
    }
    if (n == 0) break;
    hash.update(block.data(), static_cast<size_t>(n));
    bytes += n;
  }
  ::close(fd);
  const nlohmann::json builder =
      nlohmann::json::parse(datasets::read_puzzle_metadata(path).builder_json, nullptr, /*allow_exceptions=*/false);
  return {{"file", path},
          {"bytes", bytes},
          {"xxh64", checkpoints::checksum_to_hex(hash.digest())},
          {"builder", builder.is_discarded() ? nlohmann::json() : builder}};
}

// "recur data arc {arguments}" from a builder record, for messages.
std::string built_by(const nlohmann::json& entry) {
  const nlohmann::json& b = entry.value("builder", nlohmann::json());
  if (!b.is_object()) return "an unknown build";
  return "`" + b.value("command", std::string("?")) + "` with " + b.value("arguments", nlohmann::json()).dump();
}

}  // namespace

std::string data_fingerprint(const std::string& train_path, const std::string& test_path) {
  return nlohmann::json{{"train", describe_file(train_path)}, {"test", describe_file(test_path)}}.dump();
}

bool check_resume_data(const std::string& saved, const std::string& current, const std::string& checkpoint,
                       bool allow) {
  if (saved.empty()) {
    spdlog::warn("{} does not record the data it was trained on (an older recur): resuming without checking it",
                 checkpoint);
    return false;
  }
  const nlohmann::json was = nlohmann::json::parse(saved, nullptr, /*allow_exceptions=*/false);
  if (was.is_discarded()) throw InputError(checkpoint, "its record 'data' is not JSON (corrupt checkpoint?)");
  const nlohmann::json now = nlohmann::json::parse(current);
  bool changed = false;
  for (const char* split : {"train", "test"}) {
    const nlohmann::json& a = was.value(split, nlohmann::json::object());
    const nlohmann::json& b = now.at(split);
    if (a.value("xxh64", std::string()) == b.at("xxh64").get<std::string>()) continue;
    const std::string file = b.at("file").get<std::string>();
    const std::string what = "is not the " + std::string(split) + " data that " + checkpoint +
                             " was trained on: content xxh64 " + b.at("xxh64").get<std::string>() + ", built by " +
                             built_by(b) + "; the checkpoint's " + a.value("file", std::string("?")) + " had xxh64 " +
                             a.value("xxh64", std::string("?")) + ", built by " + built_by(a);
    if (!allow)
      throw InputError(file, what + ". Resume on it anyway with resume_data_changed=allow, or start a new run "
                                    "(another run_dir, init_from=" + checkpoint + " for the weights)");
    spdlog::warn("resume_data_changed=allow: {} {}", file, what);
    changed = true;
  }
  return changed;
}

}  // namespace recur::trainer
