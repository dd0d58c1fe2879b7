// metrics.jsonl writer (see metrics_log.h).
#include "trainer/train/metrics_log.h"

#include <filesystem>
#include <fstream>

#include "checkpoints/atomic_file.h"
#include "common/error.h"

namespace recur::trainer {
namespace {

// Keeps the rows of `path` up to and including `step`. A last line cut short
// by a crash (kill -9 mid-write) is dropped rather than reported.
void truncate_after_step(const std::string& path, int64_t step) {
  if (!std::filesystem::exists(path)) return;
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string kept;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    nlohmann::json row = nlohmann::json::parse(lines[i], nullptr, /*allow_exceptions=*/false);
    if (row.is_discarded()) {
      if (i + 1 == lines.size()) break;
      throw InputError(path + ":" + std::to_string(i + 1), "malformed metrics row");
    }
    if (row.contains("step") && row["step"].get<int64_t>() > step) continue;
    kept += lines[i] + "\n";
  }
  checkpoints::write_text_file_atomically(path, kept);
}

// `path`, once the rows past `resume_step` are gone (none go when it is < 0).
const std::string& without_rows_after(const std::string& path, int64_t resume_step) {
  if (resume_step >= 0) truncate_after_step(path, resume_step);
  return path;
}

}  // namespace

MetricsLog::MetricsLog(const std::string& path, int64_t resume_step)
    : file_(without_rows_after(path, resume_step), /*truncate=*/false) {}

void MetricsLog::write(const nlohmann::json& row) { file_.append(row.dump() + "\n"); }

std::vector<nlohmann::json> read_metrics(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open metrics file");
  std::vector<nlohmann::json> rows;
  std::string line;
  for (int64_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    try {
      rows.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception& e) {
      // A row cut short by a crash is the only expected damage: say where.
      throw InputError(path + ":" + std::to_string(n), std::string("malformed metrics row: ") + e.what());
    }
  }
  return rows;
}

}  // namespace recur::trainer
