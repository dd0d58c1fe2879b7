// The on-disk names of a run's checkpoints (design.md, "Checkpoint"):
//
//   RUN/checkpoints/step_00001000/      a complete checkpoint (has COMPLETE)
//       model.h5                        rank 0: /model, /ema, /optim, ... + step, config
//       rank_00000.h5 ... rank_0000W.h5 per rank: carry, loader cursor, RNG states
//       COMPLETE                        JSON manifest, written last
//   RUN/checkpoints/step_00001000.tmp/  being written (invisible to loaders)
//   RUN/checkpoints/step_00001000.old/  being removed or replaced (invisible too)
//
// Everything that reads or writes these paths takes its names from here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace recur::checkpoints {

// The format name and version that every checkpoint file and manifest carries.
inline constexpr const char* kCheckpointFormat = "recur-checkpoint";
inline constexpr int64_t kCheckpointVersion = 1;

inline constexpr const char* kModelFileName = "model.h5";
inline constexpr const char* kCompleteFileName = "COMPLETE";

std::string checkpoints_dir(const std::string& run_dir);  // RUN/checkpoints
std::string step_folder_name(int64_t step);               // step_00001000
std::string rank_file_name(int rank);                     // rank_00003.h5
std::string step_folder(const std::string& run_dir, int64_t step);
std::string staging_folder(const std::string& run_dir, int64_t step);   // step_N.tmp
std::string removal_folder(const std::string& run_dir, int64_t step);   // step_N.old

// "step_00001000" -> 1000 (8 or more digits, nothing else); false for any other name.
bool parse_step_folder_name(const std::string& name, int64_t* step);
// "rank_00003.h5" -> 3 (exactly 5 digits); false for any other name.
bool parse_rank_file_name(const std::string& name, int* rank);
// True for "step_N.tmp" and "step_N.old": leftovers a killed writer or pruner may leave.
bool is_transient_folder_name(const std::string& name);
// model.h5 then rank_00000.h5 .. rank_{world_size-1}.h5: what a complete checkpoint holds.
std::vector<std::string> checkpoint_file_names(int world_size);

}  // namespace recur::checkpoints
