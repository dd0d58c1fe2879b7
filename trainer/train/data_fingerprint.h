// What data a run trains on, recorded in every checkpoint (model.h5 record
// "data"), so that resuming on other data is caught rather than continued.
//
// A dataset rebuilt at the same path (other puzzles, another seed) would
// otherwise be picked up silently by resume=auto, with the loader position
// and the carried slots pointing into puzzles that are no longer there. The
// fingerprint of each split's file is its builder record (the `recur data`
// command, arguments, seed and source hashes) and an XXH64 of its bytes:
// the content decides, the builder record explains. Hashing reads the file
// once at start-up.
//
// resume_data_changed: refuse (default) stops a resume on changed data with
// exit 2 naming the file; allow continues with a warning in log.txt, and the
// data position starts the interrupted iteration over on the new data when
// the old one cannot apply to it.
#pragma once

#include <string>

namespace recur::trainer {

// JSON text: {"train": {"file", "bytes", "xxh64", "builder"}, "test": {...}}.
std::string data_fingerprint(const std::string& train_path, const std::string& test_path);

// Compares `current` with what `checkpoint` recorded (`saved`; "" for a
// checkpoint from before fingerprints, which passes with a warning). Returns
// true when the data changed and `allow` let it through; a change without
// `allow` is an InputError naming the changed file.
bool check_resume_data(const std::string& saved, const std::string& current, const std::string& checkpoint,
                       bool allow);

}  // namespace recur::trainer
