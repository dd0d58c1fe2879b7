// Run folder layout (see run_dir.h).
#include "trainer/train/run_dir.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "checkpoints/atomic_file.h"
#include "common/error.h"
#include "distributed/startup_sync.h"

namespace recur::trainer {

std::string resolve_run_dir(const std::string& configured, const std::string& recipe_path,
                            distributed::Communicator& comm) {
  std::string dir = configured;
  if (dir.empty() && comm.rank() == 0) {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    dir = "runs/" + std::filesystem::path(recipe_path).stem().string() + "/" + stamp;
  }
  return distributed::broadcast_text_from_rank0(comm, dir, "run_dir");
}

std::string eval_output_dir(const std::string& run_dir, int64_t step) {
  return run_dir + "/eval/step_" + std::to_string(step);
}

void prepare_run_dir(const std::string& run_dir, const std::string& config_yaml) {
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) throw InputError(run_dir, "cannot create the run folder: " + ec.message());
  checkpoints::write_text_file_atomically(run_dir + "/config.yaml", config_yaml);
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(run_dir + "/log.txt");
  spdlog::default_logger()->sinks().push_back(file);
}

}  // namespace recur::trainer
