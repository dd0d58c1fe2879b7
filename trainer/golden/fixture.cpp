// Golden fixture reader (see fixture.h).
#include "trainer/golden/fixture.h"

#include <nlohmann/json.hpp>

#include "checkpoints/tensor_h5.h"
#include "common/error.h"

namespace recur::trainer {
namespace ck = recur::checkpoints;

std::string fixture_kind_name(FixtureKind kind) {
  switch (kind) {
    case FixtureKind::kTrmAttention: return "trm_att";
    case FixtureKind::kTrmMlp: return "trm_mlp";
    case FixtureKind::kHrm: return "hrm";
    case FixtureKind::kAdamATan2: return "adam_atan2";
    case FixtureKind::kStablemax: return "stablemax";
    case FixtureKind::kLrSchedule: return "lr_schedule";
  }
  return "?";
}

GoldenFile::GoldenFile(const std::string& path) : path_(path), file_(ck::open_h5_read(path)) {}

FixtureKind GoldenFile::kind() const {
  if (ck::has_attr(file_.get(), ".", "model_kind")) {
    const std::string k = attr_string(".", "model_kind");
    if (k == "trm_att") return FixtureKind::kTrmAttention;
    if (k == "trm_mlp") return FixtureKind::kTrmMlp;
    if (k == "hrm") return FixtureKind::kHrm;
    throw InputError(path_, "unknown model_kind '" + k + "' (expected trm_att, trm_mlp or hrm)");
  }
  if (has("float32/param_init") && ck::has_attr(file_.get(), ".", "formula")) return FixtureKind::kAdamATan2;
  if (has("case_0/log_stablemax")) return FixtureKind::kStablemax;
  if (has("case_0/lr") && has("case_0/step")) return FixtureKind::kLrSchedule;
  throw InputError(path_, "not a golden fixture (no model_kind attribute and no optimizer/loss/schedule cases)");
}

bool GoldenFile::has(const std::string& name) const { return ck::h5_exists(file_.get(), name); }

torch::Tensor GoldenFile::tensor(const std::string& name) const {
  return ck::read_tensor(file_.get(), name, path_);
}

NamedTensors GoldenFile::tensors_under(const std::string& group) const {
  if (!has(group)) throw InputError(path_, "missing group '" + group + "'");
  NamedTensors out;
  for (const auto& name : ck::list_datasets(file_.get(), group)) out.emplace_back(name, tensor(group + "/" + name));
  return out;
}

std::vector<std::string> GoldenFile::subgroups(const std::string& group) const {
  std::vector<std::string> names;
  H5Handle g(H5Gopen2(file_.get(), group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g) throw InputError(path_, "missing group '" + group + "'");
  H5G_info_t info;
  H5Gget_info(g.get(), &info);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256];
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    H5Handle child(H5Oopen(g.get(), name, H5P_DEFAULT), H5Oclose);
    if (child && H5Iget_type(child.get()) == H5I_GROUP) names.emplace_back(name);
  }
  return names;
}

std::string GoldenFile::attr_string(const std::string& obj, const std::string& key) const {
  return ck::read_attr_string(file_.get(), obj, key, path_);
}

double GoldenFile::attr_double(const std::string& obj, const std::string& key) const {
  return ck::read_attr_double(file_.get(), obj, key, path_);
}

int64_t GoldenFile::attr_int(const std::string& obj, const std::string& key) const {
  return ck::read_attr_int(file_.get(), obj, key, path_);
}

std::vector<double> GoldenFile::attr_doubles(const std::string& obj, const std::string& key) const {
  if (!ck::has_attr(file_.get(), obj, key)) throw InputError(path_, "missing attribute '" + key + "' on '" + obj + "'");
  H5Handle a(H5Aopen_by_name(file_.get(), obj.c_str(), key.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  H5Handle space(H5Aget_space(a.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<double> values(n > 0 ? n : 0);
  if (n <= 0 || H5Aread(a.get(), H5T_NATIVE_DOUBLE, values.data()) < 0)
    throw InputError(path_, "attribute '" + key + "' is not a list of numbers");
  return values;
}

ModelFixtureConfig read_model_fixture_config(const GoldenFile& file) {
  const std::string where = file.path() + ": config_json";
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(file.attr_string(".", "config_json"));
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("not valid JSON: ") + e.what());
  }
  auto get = [&](const char* key) -> const nlohmann::json& {
    if (!j.contains(key)) throw InputError(where, std::string("missing key '") + key + "'");
    return j.at(key);
  };
  const FixtureKind kind = file.kind();
  ModelFixtureConfig c;
  try {
    ArchConfig& a = c.arch;
    a.name = kind == FixtureKind::kHrm ? "hrm" : "trm";
    a.loss.loss_type = file.attr_string(".", "loss_type");
    a.H_cycles = get("H_cycles").get<int64_t>();
    a.L_cycles = get("L_cycles").get<int64_t>();
    a.H_layers = get("H_layers").get<int64_t>();
    a.L_layers = get("L_layers").get<int64_t>();
    a.hidden_size = get("hidden_size").get<int64_t>();
    a.num_heads = get("num_heads").get<int64_t>();
    a.expansion = get("expansion").get<double>();
    a.puzzle_emb_ndim = get("puzzle_emb_ndim").get<int64_t>();
    a.pos_encodings = get("pos_encodings").get<std::string>();
    a.forward_dtype = get("forward_dtype").get<std::string>();
    a.halt_max_steps = get("halt_max_steps").get<int64_t>();
    a.halt_exploration_prob = get("halt_exploration_prob").get<double>();
    a.rms_norm_eps = get("rms_norm_eps").get<double>();
    a.rope_theta = get("rope_theta").get<double>();
    if (kind != FixtureKind::kHrm) {
      a.mlp_t = get("mlp_t").get<bool>();
      a.puzzle_emb_len = get("puzzle_emb_len").get<int64_t>();
      a.no_ACT_continue = get("no_ACT_continue").get<bool>();
    } else {
      a.mlp_t = false;
    }
    c.shape = {get("vocab_size").get<int64_t>(), get("seq_len").get<int64_t>(),
               get("num_puzzle_identifiers").get<int64_t>()};
    c.batch_size = get("batch_size").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("wrong value type: ") + e.what());
  }
  c.n_steps = file.attr_int(".", "n_steps");
  return c;
}

}  // namespace recur::trainer
