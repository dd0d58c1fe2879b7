// The checkpoint save protocol (see checkpoint_writer.h).
#include "checkpoints/checkpoint_writer.h"

#include <filesystem>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "checkpoints/atomic_file.h"
#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_layout.h"
#include "checkpoints/checkpoint_manifest.h"

namespace recur::checkpoints {

namespace fs = std::filesystem;

namespace {

std::string staged_file(const std::string& run_dir, int64_t step, const std::string& name) {
  return (fs::path(staging_folder(run_dir, step)) / name).string();
}

// Runs `phase` on this rank (when `active`), then agrees with the other ranks.
// A local failure is rethrown here after the agreement; a remote one becomes
// a runtime_error, so all ranks leave save_checkpoint together.
template <typename Phase>
void agreed_phase(const char* what, int64_t step, bool active, const AllRanksOk& all_ranks_ok, Phase phase) {
  std::exception_ptr failure;
  if (active) {
    try {
      phase();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  bool all_ok = all_ranks_ok(failure == nullptr);
  if (failure) std::rethrow_exception(failure);
  if (!all_ok)
    throw std::runtime_error("checkpoint " + step_folder_name(step) + ": another rank failed to " + what +
                             " (see its error)");
}

}  // namespace

void begin_checkpoint(const std::string& run_dir, int64_t step) {
  std::string staging = staging_folder(run_dir, step);
  std::error_code ec;
  fs::remove_all(staging, ec);
  if (!ec) fs::create_directories(staging, ec);
  if (ec) throw std::runtime_error(staging + ": cannot create the staging folder: " + ec.message());
  fsync_path(checkpoints_dir(run_dir));
  fsync_path(run_dir);  // the checkpoints/ entry itself, on the first save
}

uint64_t write_model_state(const std::string& run_dir, int64_t step, const StateBundle& model_state) {
  return write_bundle(staged_file(run_dir, step, kModelFileName), model_state);
}

uint64_t write_rank_state(const std::string& run_dir, int64_t step, int rank, const StateBundle& rank_state) {
  return write_bundle(staged_file(run_dir, step, rank_file_name(rank)), rank_state);
}

std::string finalize_checkpoint(const std::string& run_dir, int64_t step, int world_size, bool eval) {
  CheckpointManifest manifest;
  manifest.step = step;
  manifest.world_size = world_size;
  manifest.eval = eval;
  for (const std::string& name : checkpoint_file_names(world_size)) {
    std::string path = staged_file(run_dir, step, name);
    if (!fs::exists(path))
      throw std::runtime_error(path + ": missing when finalizing the checkpoint (did every rank write its file?)");
    manifest.files[name] = read_bundle_summary(path).checksum;
  }
  std::string staging = staging_folder(run_dir, step);
  write_manifest(staging, manifest);

  std::string final_folder = step_folder(run_dir, step);
  std::string replaced = removal_folder(run_dir, step);
  if (fs::exists(final_folder)) {  // re-saving a step: move the old one out of the way
    fs::remove_all(replaced);
    rename_durably(final_folder, replaced);
  }
  rename_durably(staging, final_folder);
  fs::remove_all(replaced);
  return final_folder;
}

void discard_staging_folder(const std::string& run_dir, int64_t step) {
  std::error_code ignored;  // what cannot be removed now, the next save removes
  fs::remove_all(staging_folder(run_dir, step), ignored);
}

std::string save_checkpoint(const SaveOptions& o, const StateBundle* model_state, const StateBundle& rank_state,
                            const AllRanksOk& all_ranks_ok) {
  const bool leader = o.rank == 0;
  if (leader && model_state == nullptr) throw std::invalid_argument("save_checkpoint: rank 0 must pass the model state");
  try {
    agreed_phase("create the staging folder", o.step, leader, all_ranks_ok,
                 [&] { begin_checkpoint(o.run_dir, o.step); });
    agreed_phase("write its checkpoint file", o.step, true, all_ranks_ok, [&] {
      if (leader) write_model_state(o.run_dir, o.step, *model_state);
      write_rank_state(o.run_dir, o.step, o.rank, rank_state);
    });
    agreed_phase("finalize the checkpoint", o.step, leader, all_ranks_ok, [&] {
      finalize_checkpoint(o.run_dir, o.step, o.world_size, o.eval);
      try {
        prune_checkpoints(o.run_dir, o.retention);
      } catch (const fs::filesystem_error& e) {  // the new checkpoint is safe; an old one lingers
        spdlog::warn("could not prune old checkpoints: {}", e.what());
      }
    });
  } catch (...) {
    // Every rank has left the protocol (agreed_phase): a failed save gives
    // its space back at once, so a retry, or the next run, finds it free.
    if (leader) discard_staging_folder(o.run_dir, o.step);
    throw;
  }
  return step_folder(o.run_dir, o.step);
}

}  // namespace recur::checkpoints
