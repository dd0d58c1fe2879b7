// RUN/run.json (see run_record.h).
#include "trainer/train/run_record.h"

#include <spdlog/spdlog.h>
#include <torch/version.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "trainer/cli/version.h"
#include "checkpoints/atomic_file.h"
#include "trainer/train/run_dir.h"

namespace recur::trainer {

std::string utc_timestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

RunRecord::RunRecord(const std::string& run_dir, const ProcessFacts& facts) : path_(run_dir + "/run.json") {
  if (std::filesystem::exists(path_)) {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    record_ = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!record_.is_object() || !record_.contains("processes") || !record_["processes"].is_array()) {
      spdlog::warn("{}: not a recur run record; starting a new one", path_);
      record_ = nullptr;
    }
  }
  if (record_.is_null()) record_ = {{"format", "recur-run"}, {"version", 1}, {"processes", nlohmann::json::array()}};
  // The newest process decides what the run is now.
  record_["recipe"] = facts.recipe;
  record_["recur"] = version_string();
  record_["libtorch"] = TORCH_VERSION;
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  record_["processes"].push_back({{"started", utc_timestamp()},
                                  {"status", "running"},
                                  {"first_step", facts.first_step},
                                  {"world_size", facts.world_size},
                                  {"device", facts.device},
                                  {"threads", facts.threads},
                                  {"host", host}});
  save();
}

void RunRecord::end(const std::string& status, int exit_code, int64_t last_step, const std::string& reason) {
  nlohmann::json& process = record_["processes"].back();
  process["ended"] = utc_timestamp();
  process["status"] = status;
  process["exit_code"] = exit_code;
  process["last_step"] = last_step;
  if (!reason.empty()) process["reason"] = reason;
  save();
}

void RunRecord::save() const { checkpoints::write_text_file_atomically(path_, record_.dump(1) + "\n"); }

}  // namespace recur::trainer
