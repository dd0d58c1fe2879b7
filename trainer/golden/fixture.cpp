// Golden fixture reader (see fixture.h).
#include "trainer/golden/fixture.h"

#include <nlohmann/json.hpp>

#include "checkpoints/tensor_h5.h"
#include "common/error.h"
#include "trainer/models/architecture.h"

namespace recur::trainer {
namespace ck = recur::checkpoints;

GoldenFile::GoldenFile(const std::string& path) : path_(path), file_(ck::open_h5_read(path)) {}

FixtureKind GoldenFile::kind() const {
  if (ck::has_attr(file_.get(), ".", "model_kind")) {
    const std::string k = attr_string(".", "model_kind");
    if (find_fixture_architecture(k)) return FixtureKind::kModel;
    std::string known;
    for (const Architecture* a : architectures())
      for (const std::string& n : a->fixture_kinds) known += (known.empty() ? "" : ", ") + n;
    throw InputError(path_, "unknown model_kind '" + k + "' (expected " + known + ")");
  }
  if (has("float32/param_init") && ck::has_attr(file_.get(), ".", "formula")) return FixtureKind::kAdamATan2;
  if (has("param_init") && has("ns_trace")) return FixtureKind::kMuon;
  if (has("case_0/log_stablemax")) return FixtureKind::kStablemax;
  if (has("case_0/lr") && has("case_0/step")) return FixtureKind::kLrSchedule;
  throw InputError(path_, "not a golden fixture (no model_kind attribute and no optimizer/loss/schedule cases)");
}

std::string GoldenFile::kind_name() const {
  switch (kind()) {
    case FixtureKind::kModel: return attr_string(".", "model_kind");
    case FixtureKind::kAdamATan2: return "adam_atan2";
    case FixtureKind::kMuon: return "muon";
    case FixtureKind::kStablemax: return "stablemax";
    case FixtureKind::kLrSchedule: return "lr_schedule";
  }
  return "?";
}

bool GoldenFile::has(const std::string& name) const { return ck::h5_exists(file_.get(), name); }

bool GoldenFile::has_attr(const std::string& obj, const std::string& key) const {
  return ck::has_attr(file_.get(), obj, key);
}

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
  if (file.kind() != FixtureKind::kModel) throw InputError(file.path(), "not a model fixture");
  const Architecture& architecture = *find_fixture_architecture(file.attr_string(".", "model_kind"));
  ModelFixtureConfig c;
  try {
    c.arch = architecture.from_reference_config(j);
    c.shape = {j.at("vocab_size").get<int64_t>(), j.at("seq_len").get<int64_t>(),
               j.at("num_puzzle_identifiers").get<int64_t>()};
    c.batch_size = j.at("batch_size").get<int64_t>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(where, std::string("missing key or wrong value type: ") + e.what());
  }
  c.arch.loss.loss_type = file.attr_string(".", "loss_type");
  try {
    check_architecture(c.arch);
  } catch (const InputError& e) {
    throw InputError(where, e.what());
  }
  c.n_steps = file.attr_int(".", "n_steps");
  return c;
}

}  // namespace recur::trainer
