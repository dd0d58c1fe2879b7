// The architecture table (see architecture.h).
#include "trainer/models/architecture.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/error.h"
#include "trainer/models/hrm.h"
#include "trainer/models/trm.h"
#include "trainer/models/urm.h"

namespace recur::trainer {

const std::vector<const Architecture*>& architectures() {
  static const std::vector<const Architecture*> table = {
      &trm_architecture(),
      &hrm_architecture(),
      &urm_architecture(),
  };
  return table;
}

std::vector<std::string> architecture_names() {
  std::vector<std::string> names;
  for (const Architecture* a : architectures()) names.emplace_back(a->name);
  return names;
}

const Architecture& find_architecture(const std::string& name) {
  for (const Architecture* a : architectures())
    if (name == a->name) return *a;
  std::string known;
  for (const std::string& n : architecture_names()) known += (known.empty() ? "" : ", ") + n;
  throw InputError("arch.name", "must be one of " + known + "; got '" + name + "'");
}

const Architecture* find_fixture_architecture(const std::string& model_kind) {
  for (const Architecture* a : architectures()) {
    const auto& kinds = a->fixture_kinds;
    if (std::find(kinds.begin(), kinds.end(), model_kind) != kinds.end()) return a;
  }
  return nullptr;
}

ArchConfig shared_reference_config(const nlohmann::json& c) {
  ArchConfig a;
  a.H_cycles = c.at("H_cycles").get<int64_t>();
  a.L_cycles = c.at("L_cycles").get<int64_t>();
  a.hidden_size = c.at("hidden_size").get<int64_t>();
  a.num_heads = c.at("num_heads").get<int64_t>();
  a.expansion = c.at("expansion").get<double>();
  a.puzzle_emb_ndim = c.at("puzzle_emb_ndim").get<int64_t>();
  a.pos_encodings = c.at("pos_encodings").get<std::string>();
  a.forward_dtype = c.at("forward_dtype").get<std::string>();
  a.rms_norm_eps = c.at("rms_norm_eps").get<double>();
  a.rope_theta = c.at("rope_theta").get<double>();
  return a;
}

int64_t puzzle_embedding_slots(const ArchConfig& arch) {
  return (arch.puzzle_emb_ndim + arch.hidden_size - 1) / arch.hidden_size;
}

void check_architecture(const ArchConfig& arch) {
  for (const ArchRule& rule : find_architecture(arch.name).rules) {
    const std::string problem = rule.problem(arch);
    if (!problem.empty()) throw InputError(rule.key, problem);
  }
}

}  // namespace recur::trainer
