// One descriptor per architecture (TRM, HRM, ...), registered in one table.
//
// Everything the rest of recur needs to know about an architecture is asked here, so
// no other file tests its name: the config checks of its keys (run once, by
// validate_config, or by verify-golden for a fixture's config), its puzzle-prefix
// length, how to build its ACT model (make_model), its FLOP count per training step
// (recur bench) and how the reference's own config dict of its golden fixtures reads.
// Each architecture defines its descriptor next to its model (trm.cpp, hrm.cpp);
// adding one is its own files and one row of architectures() (architecture.cpp).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

#include "common/libtorch.h"
#include "trainer/config/config.h"
#include "trainer/models/flops.h"

namespace recur::trainer {

class ActModel;
struct ModelShape;

// A check of the architecture's keys: `problem` returns "" when the config is fine,
// else what is wrong with `key`.
struct ArchRule {
  const char* key;
  std::string (*problem)(const ArchConfig&);
};

struct Architecture {
  const char* name;         // arch.name
  const char* description;  // one line, for arch.name's doc
  std::vector<ArchRule> rules;
  // P, the puzzle-embedding slots before the grid (the state has S = P + seq_len positions).
  int64_t (*prefix_length)(const ArchConfig& arch);
  // The model with the reference init drawn from a CPU generator seeded with `init_seed`.
  std::unique_ptr<ActModel> (*build)(const ArchConfig& arch, const ModelShape& shape, torch::ScalarType dtype,
                                     torch::Device device, uint64_t init_seed);
  // One training step of `batch` samples (flops.h) on states of `state_length` positions.
  StepFlops (*train_step_flops)(const ArchConfig& arch, int64_t vocab_size, int64_t state_length, int64_t batch);
  // The golden fixtures' `model_kind` values of this architecture, and their `config_json`
  // (the reference model's config dict, in its own key names) as an ArchConfig. A missing
  // key or wrong type throws nlohmann::json::exception.
  std::vector<std::string> fixture_kinds;
  ArchConfig (*from_reference_config)(const nlohmann::json& config);
};

// The table, in the order arch.name's doc lists them.
const std::vector<const Architecture*>& architectures();
std::vector<std::string> architecture_names();

// The descriptor called `name`; an unknown name is an InputError on arch.name.
const Architecture& find_architecture(const std::string& name);
// The descriptor whose fixtures carry `model_kind`, or null.
const Architecture* find_fixture_architecture(const std::string& model_kind);

// The keys every reference model's config dict names alike (widths, cycles, positions,
// dtype, norm and RoPE constants), read into the defaults; the rest is the architecture's.
ArchConfig shared_reference_config(const nlohmann::json& config);

// ceil(puzzle_emb_ndim / hidden_size): the prefix slots the puzzle embedding fills, the
// reference's puzzle_emb_len wherever it is not configured (HRM, URM; TRM's 0).
int64_t puzzle_embedding_slots(const ArchConfig& arch);

// Runs the rules of arch.name's descriptor: the first problem is an InputError naming its key.
void check_architecture(const ArchConfig& arch);

}  // namespace recur::trainer
