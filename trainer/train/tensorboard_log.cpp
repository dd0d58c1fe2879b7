// TensorBoard event files (see tensorboard_log.h).
#include "trainer/train/tensorboard_log.h"

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "trainer/train/crc32c.h"

namespace recur::trainer {
namespace {

// Protocol-buffer wire format: a key is (field number << 3) | wire type.
enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_key(std::string& out, uint32_t field, WireType type) { put_varint(out, (field << 3) | type); }

template <typename T>
void put_little_endian(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // x86 and ARM Linux are little-endian, as the format is
  out.append(bytes, sizeof(T));
}

void put_bytes(std::string& out, uint32_t field, const std::string& bytes) {
  put_key(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out += bytes;
}

// Event { double wall_time = 1; int64 step = 2; oneof { string file_version = 3;
//         Summary summary = 5; SessionLog session_log = 7; } } (6 is the deprecated LogMessage)
std::string event_header(int64_t step) {
  std::string e;
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  put_key(e, 1, kFixed64);
  put_little_endian(e, now);
  put_key(e, 2, kVarint);
  put_varint(e, static_cast<uint64_t>(step));
  return e;
}

// Summary { repeated Value value = 1; }  Value { string tag = 1; float simple_value = 2; }
// A tag already written at this step is left out: an evaluation row repeats
// the epoch and train_seconds of the training row at its step.
std::string scalar_summary(const nlohmann::json& row, int64_t step, std::map<std::string, int64_t>& last_step) {
  std::string summary;
  for (const auto& [key, value] : row.items()) {
    if (key == "step" || !value.is_number()) continue;
    const auto last = last_step.find(key);
    if (last != last_step.end() && last->second == step) continue;
    last_step[key] = step;
    std::string v;
    put_bytes(v, 1, key);
    put_key(v, 2, kFixed32);
    put_little_endian(v, value.get<float>());
    put_bytes(summary, 1, v);
  }
  return summary;
}

// events.out.tfevents.<seconds>.<host>.<pid>: TensorBoard reads the files of a
// folder in name order, so a new file takes a time past every existing one's
// (a resume within the same second still sorts after the run it continues).
std::string new_event_file_name(const std::filesystem::path& dir) {
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string prefix = "events.out.tfevents.";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    try {
      seconds = std::max<int64_t>(seconds, std::stoll(name.substr(prefix.size())) + 1);
    } catch (const std::exception&) {  // not one of ours: its order does not matter
    }
  }
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return prefix + std::to_string(seconds) + "." + host + "." + std::to_string(getpid());
}

// `dir`, created if missing, and a new event file's name in it.
std::string new_event_file_path(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create the TensorBoard folder: " + ec.message());
  return (std::filesystem::path(dir) / new_event_file_name(dir)).string();
}

}  // namespace

TensorBoardLog::TensorBoardLog(const std::string& dir, int64_t resume_step)
    : file_(new_event_file_path(dir), /*truncate=*/true) {
  std::string version = event_header(0);
  put_bytes(version, 3, "brain.Event:2");
  write_record(version);
  // SessionLog { enum SessionStatus { START = 1; ... } status = 1; }
  std::string start = event_header(resume_step + 1), session_log;
  put_key(session_log, 1, kVarint);
  put_varint(session_log, 1);
  put_bytes(start, 7, session_log);
  write_record(start);
}

void TensorBoardLog::write(const nlohmann::json& row) {
  const int64_t step = row.at("step").get<int64_t>();
  std::string event = event_header(step);
  put_bytes(event, 5, scalar_summary(row, step, last_step_));
  write_record(event);
}

void TensorBoardLog::write_record(const std::string& payload) {
  std::string record;
  put_little_endian(record, static_cast<uint64_t>(payload.size()));
  put_little_endian(record, masked_crc32c(record.data(), sizeof(uint64_t)));
  record += payload;
  put_little_endian(record, masked_crc32c(payload.data(), payload.size()));
  file_.append(record);
}

}  // namespace recur::trainer
