// Describing puzzle files (see puzzle_file_description.h).
#include "datasets/puzzle_file_description.h"

#include <hdf5.h>

#include <filesystem>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "datasets/h5_io.h"
#include "datasets/puzzle_file.h"

namespace recur::datasets {
namespace {

using nlohmann::json;

json describe_split(hid_t file, const PuzzleMetadata& meta, Split split) {
  const SplitMetadata& s = meta.split(split);
  const std::string p = std::string("/") + split_name(split) + "/";
  int64_t stored = 0;
  int64_t chunk_rows = 0;
  for (const char* name : {"inputs", "labels"}) {
    H5Handle d = h5_open_dataset(file, p + name, meta.path);
    stored += static_cast<int64_t>(H5Dget_storage_size(d.get()));
    H5Handle dcpl(H5Dget_create_plist(d.get()), H5Pclose);
    hsize_t chunk[2] = {0, 0};
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) H5Pget_chunk(dcpl.get(), 2, chunk);
    chunk_rows = static_cast<int64_t>(chunk[0]);
  }
  return {{"groups", s.total_groups},
          {"puzzles", s.total_puzzles},
          {"examples", s.total_examples},
          {"mean_puzzle_examples", s.mean_puzzle_examples},
          {"token_bytes_raw", 2 * s.total_examples * meta.seq_len},
          {"token_bytes_stored", stored},
          {"chunk_rows", chunk_rows}};
}

std::string megabytes(int64_t bytes) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << double(bytes) / 1e6 << " MB";
  return s.str();
}

}  // namespace

json describe_puzzle_file(const std::string& path) {
  const PuzzleMetadata meta = read_puzzle_metadata(path);
  H5Handle f = h5_open_read(path);
  json builder = json::parse(meta.builder_json, nullptr, /*allow_exceptions=*/false);
  if (builder.is_discarded()) builder = meta.builder_json;
  return {{"path", path},
          {"kind", "puzzles"},
          {"format", kPuzzleFormat},
          {"version", kPuzzleFormatVersion},
          {"file_bytes", static_cast<int64_t>(std::filesystem::file_size(path))},
          {"vocab_size", meta.vocab_size},
          {"seq_len", meta.seq_len},
          {"pad_id", meta.pad_id},
          {"ignore_label_id", meta.ignore_label_id},
          {"blank_identifier_id", meta.blank_identifier_id},
          {"num_puzzle_identifiers", meta.num_puzzle_identifiers},
          {"has_test_puzzles", h5_exists(f.get(), "/test_puzzles")},
          {"train", describe_split(f.get(), meta, Split::kTrain)},
          {"test", describe_split(f.get(), meta, Split::kTest)},
          {"builder", builder}};
}

std::string format_puzzle_description(const json& d) {
  std::ostringstream s;
  s << d["path"].get<std::string>() << ": recur puzzle file, version " << d["version"] << ", "
    << megabytes(d["file_bytes"]) << "\n"
    << "  vocab_size " << d["vocab_size"] << ", seq_len " << d["seq_len"] << ", pad_id " << d["pad_id"]
    << ", ignore_label_id " << d["ignore_label_id"] << ", blank_identifier_id " << d["blank_identifier_id"] << "\n"
    << "  puzzle identifiers " << d["num_puzzle_identifiers"]
    << (d["has_test_puzzles"].get<bool>() ? ", original test puzzles stored for scoring" : "") << "\n";
  for (const char* split : {"train", "test"}) {
    const json& x = d[split];
    s << "  " << split << ": " << x["groups"] << " groups, " << x["puzzles"] << " puzzles, " << x["examples"]
      << " examples (mean " << std::setprecision(4) << x["mean_puzzle_examples"].get<double>() << " per puzzle), "
      << megabytes(x["token_bytes_stored"]) << " stored (" << megabytes(x["token_bytes_raw"]) << " raw)\n";
  }
  s << "  builder: " << d["builder"].dump() << "\n";
  return s.str();
}

}  // namespace recur::datasets
