// Where the tests find data and tools they do not make themselves.
//
// - The golden fixtures (reference numbers of the official Python code) are
//   part of the project: tests/golden/, copied from the shared folder's
//   golden/ (tests/golden/README.md), so a clone anywhere runs them.
// - The public datasets (ARC-AGI, ConceptARC, Sudoku lists) are not copied in:
//   tests that need them read $RECUR_SHARED_DIR/data, else the folder
//   configured at build time (<repo>/../shared), and skip, naming what is
//   missing, when neither has it. The user's RECUR_SHARED_DIR always wins.
// - Python (torch, numpy, h5py: loading exported .pt files, the docs' h5py
//   examples) is the project's environment .venv (scripts/setup.sh), never
//   whichever python3 is first on PATH; $RECUR_PYTHON names another one.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace recur::testing {

inline std::string golden_dir() { return RECUR_GOLDEN_DIR; }

// Every fixture under `root` (the top level and URM's urm/ subfolder), relative to it
// and sorted, so a fixture added later is checked by every test that runs them all.
inline std::vector<std::string> golden_fixture_files(const std::string& root = golden_dir()) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.path().extension() == ".h5") files.push_back(std::filesystem::relative(entry.path(), root).string());
  std::sort(files.begin(), files.end());
  return files;
}

// Hand-written recipes and configs of the trainer tests (tests/trainer/fixtures/).
inline std::string trainer_fixtures_dir() { return RECUR_TRAINER_FIXTURES; }

inline std::string shared_dir() {
  const char* env = std::getenv("RECUR_SHARED_DIR");
  return env && *env ? std::string(env) : std::string(RECUR_DEFAULT_SHARED_DIR);
}

inline std::string shared_data_dir() { return shared_dir() + "/data"; }

inline std::string python() {
  const char* env = std::getenv("RECUR_PYTHON");
  return env && *env ? std::string(env) : std::string(RECUR_DEFAULT_PYTHON);
}

// The skip message of a test whose public data is not there.
inline std::string missing_shared_data(const std::string& path) {
  return "public data not found at " + path +
         " (set RECUR_SHARED_DIR to the folder holding data/, e.g. a checkout of the shared folder)";
}

}  // namespace recur::testing
