// Reading a golden parity fixture (../shared/golden/README.md describes the layout):
// reference numbers computed by the official Python code, stored as HDF5.
//
// A fixture is recognised by its contents: model fixtures carry a root attribute
// `model_kind` that an architecture's descriptor claims (trm_att, trm_mlp, hrm; see
// models/architecture.h) and `config_json`; the AdamATan2, Muon, stablemax and LR-schedule
// fixtures by their groups. Anything else is an InputError naming the file.
#pragma once

#include <string>
#include <vector>

#include "common/h5_handle.h"
#include "common/libtorch.h"
#include "trainer/config/config.h"
#include "trainer/models/named_tensors.h"
#include "trainer/models/recursive_model.h"

namespace recur::trainer {

enum class FixtureKind { kModel, kAdamATan2, kMuon, kStablemax, kLrSchedule };

class GoldenFile {
 public:
  explicit GoldenFile(const std::string& path);  // InputError if missing or not HDF5

  const std::string& path() const { return path_; }
  FixtureKind kind() const;  // InputError if the file is no golden fixture
  // "trm_att", "hrm", ... for model fixtures; "adam_atan2", "muon", "stablemax", "lr_schedule".
  std::string kind_name() const;

  bool has(const std::string& name) const;
  bool has_attr(const std::string& obj, const std::string& key) const;
  torch::Tensor tensor(const std::string& name) const;  // InputError if missing
  // Every dataset below `group`, named relative to it, sorted by name.
  NamedTensors tensors_under(const std::string& group) const;
  // Names of the direct subgroups of `group` (e.g. case_0, case_1).
  std::vector<std::string> subgroups(const std::string& group) const;

  std::string attr_string(const std::string& obj, const std::string& key) const;
  double attr_double(const std::string& obj, const std::string& key) const;
  int64_t attr_int(const std::string& obj, const std::string& key) const;
  std::vector<double> attr_doubles(const std::string& obj, const std::string& key) const;

 private:
  std::string path_;
  H5Handle file_;
};

// The model and data shape a model fixture was made with: its config_json read by the
// descriptor of its model_kind and checked by that descriptor's rules.
struct ModelFixtureConfig {
  ArchConfig arch;
  ModelShape shape;
  int64_t batch_size = 0;
  int64_t n_steps = 0;
};

ModelFixtureConfig read_model_fixture_config(const GoldenFile& file);

}  // namespace recur::trainer
