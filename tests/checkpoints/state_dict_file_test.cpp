// Weights interop with the Python repos: .pt export read by Python's
// torch.load, and import of state_dicts that Python's torch.save wrote.
// The Python side runs /usr/bin/python3 (or $RECUR_PYTHON) with torch; the
// tests that need it skip when it is missing. Fixtures are made at run time.
#include <gtest/gtest.h>

#include "checkpoints/bundle_file.h"
#include "checkpoints/checkpoint_writer.h"
#include "checkpoints/state_dict_file.h"
#include "checkpoints/weights.h"
#include "common/error.h"
#include "test_support.h"

namespace recur::checkpoints {
namespace {

namespace fs = std::filesystem;
using testing::bit_identical;
using testing::ScratchDir;

// The project's Python environment is part of the test set-up (scripts/setup.sh):
// without it these tests fail rather than skip, so a broken set-up shows.
#define REQUIRE_PYTHON(python)                                                                  \
  std::string python = testing::python_with_torch();                                          \
  ASSERT_FALSE(python.empty()) << "no Python with torch at " << recur::testing::python() \
                               << " (scripts/setup.sh makes .venv; or set RECUR_PYTHON)"

int64_t numel_of(const std::vector<int64_t>& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

// Weights whose values both sides can compute exactly.
NamedTensors reference_weights() {
  return {{"inner.embed_tokens.embedding_weight", torch::arange(12, torch::kFloat32).reshape({3, 4}) * 0.5},
          {"inner.H_init", (torch::arange(4, torch::kFloat32) - 2).to(torch::kBFloat16)},
          {"inner.q_head.bias", torch::tensor({-5.0, -5.0}, torch::kFloat64)},
          {"inner.steps", torch::tensor({1, 2, 3}, torch::kInt64)},
          {"inner.halted", torch::tensor({true, false})},
          {"inner.scalar", torch::tensor(7, torch::kInt32)}};
}

void expect_same_weights(const NamedTensors& a, const NamedTensors& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_TRUE(bit_identical(a[i].second, b[i].second)) << a[i].first;
  }
}

using testing::error_of;

TEST(StateDictFile, ExportLoadsInPythonAndComesBackIdentical) {
  REQUIRE_PYTHON(python);
  ScratchDir dir;
  export_state_dict(dir / "model.pt", reference_weights());
  std::string log;
  int status = testing::run_python(python, dir.path(), R"PY(
import collections, torch
d = torch.load("model.pt", weights_only=True)  # the default since PyTorch 2.6
assert isinstance(d, dict), type(d)
expected = collections.OrderedDict([
    ("inner.embed_tokens.embedding_weight", torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.5),
    ("inner.H_init", (torch.arange(4, dtype=torch.float32) - 2).to(torch.bfloat16)),
    ("inner.q_head.bias", torch.tensor([-5.0, -5.0], dtype=torch.float64)),
    ("inner.steps", torch.tensor([1, 2, 3], dtype=torch.int64)),
    ("inner.halted", torch.tensor([True, False])),
    ("inner.scalar", torch.tensor(7, dtype=torch.int32)),
])
assert list(d.keys()) == list(expected.keys()), list(d.keys())
for k, v in expected.items():
    assert d[k].dtype == v.dtype and d[k].shape == v.shape and torch.equal(d[k], v), k
# Back as the reference saves it: an OrderedDict with torch.compile's prefix.
torch.save(collections.OrderedDict(("_orig_mod." + k, v) for k, v in d.items()), "back.pt")
print("ok")
)PY", &log);
  ASSERT_EQ(status, 0) << log;
  expect_same_weights(import_state_dict(dir / "back.pt"), reference_weights());
}

TEST(StateDictFile, ImportsAPythonModuleStateDictWithAndWithoutCompilePrefix) {
  REQUIRE_PYTHON(python);
  ScratchDir dir;
  std::string log;
  int status = testing::run_python(python, dir.path(), R"PY(
import collections, torch
class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(3, 2)
        self.norm = torch.nn.LayerNorm(2)
        self.register_buffer("H_init", torch.zeros(4, dtype=torch.bfloat16))
m = Block()
with torch.no_grad():
    for i, (name, t) in enumerate(m.state_dict().items()):
        t.copy_(torch.arange(t.numel(), dtype=torch.float32).reshape(t.shape) * (i + 1) - 1)
sd = m.state_dict()   # an OrderedDict with _metadata, like every reference checkpoint
torch.save(sd, "plain.pt")
torch.save(collections.OrderedDict(("_orig_mod." + k, v) for k, v in sd.items()), "compiled.pt")
torch.save(sd, "protocol4.pt", pickle_protocol=4)
base = torch.arange(10, dtype=torch.float32)
torch.save({"whole": base, "tail": base[6:], "strided": base[::3]}, "views.pt")   # one shared storage
torch.save(dict(m.named_parameters()), "parameters.pt")   # nn.Parameter objects
print(list(sd.keys()))
)PY", &log);
  ASSERT_EQ(status, 0) << log;
  NamedTensors expected;
  std::vector<std::pair<std::string, std::vector<int64_t>>> layout = {
      {"H_init", {4}}, {"proj.weight", {2, 3}}, {"proj.bias", {2}}, {"norm.weight", {2}}, {"norm.bias", {2}}};
  for (size_t i = 0; i < layout.size(); ++i) {
    torch::Tensor t = torch::arange(numel_of(layout[i].second), torch::kFloat32).reshape(layout[i].second) *
                          static_cast<double>(i + 1) - 1;
    expected.emplace_back(layout[i].first, i == 0 ? t.to(torch::kBFloat16) : t);
  }
  expect_same_weights(import_state_dict(dir / "plain.pt"), expected);
  expect_same_weights(import_state_dict(dir / "compiled.pt"), expected);
  expect_same_weights(import_state_dict(dir / "protocol4.pt"), expected);
  NamedTensors parameters = import_state_dict(dir / "parameters.pt");
  EXPECT_EQ(parameters.size(), 4u);
  EXPECT_TRUE(bit_identical(parameters[0].second, expected[1].second));
  NamedTensors views = import_state_dict(dir / "views.pt");
  torch::Tensor base = torch::arange(10, torch::kFloat32);
  EXPECT_TRUE(bit_identical(views[0].second, base));
  EXPECT_TRUE(bit_identical(views[1].second, base.slice(0, 6)));
  EXPECT_TRUE(bit_identical(views[2].second, torch::tensor({0.f, 3.f, 6.f, 9.f})));
}

TEST(StateDictFile, UnsupportedPythonFilesAreClearErrors) {
  REQUIRE_PYTHON(python);
  ScratchDir dir;
  std::string log;
  int status = testing::run_python(python, dir.path(), R"PY(
import collections, torch
sd = torch.nn.Linear(2, 2).state_dict()
torch.save(sd, "legacy.pt", _use_new_zipfile_serialization=False)
torch.save([torch.zeros(2)], "list.pt")
torch.save({"model": sd, "step": 3}, "nested.pt")
class Custom:
    pass
torch.save({"w": torch.zeros(1), "obj": Custom()}, "custom.pt")
)PY", &log);
  ASSERT_EQ(status, 0) << log;
  EXPECT_NE(error_of([&] { import_state_dict(dir / "legacy.pt"); }).find("legacy torch.save format"), std::string::npos);
  EXPECT_NE(error_of([&] { import_state_dict(dir / "list.pt"); }).find("holds a list, not a dict of tensors"),
            std::string::npos);
  EXPECT_NE(error_of([&] { import_state_dict(dir / "nested.pt"); }).find("entry 'model' is a dict, not a tensor"),
            std::string::npos);
  std::string custom = error_of([&] { import_state_dict(dir / "custom.pt"); });
  EXPECT_NE(custom.find("__main__.Custom"), std::string::npos) << custom;
}

TEST(StateDictFile, GarbageAndTruncatedFilesAreClearErrors) {
  ScratchDir dir;
  export_state_dict(dir / "good.pt", reference_weights());
  expect_same_weights(import_state_dict(dir / "good.pt"), reference_weights());  // our own export reads back
  std::ofstream(dir / "garbage.pt") << "definitely not a zip archive";
  EXPECT_NE(error_of([&] { import_state_dict(dir / "garbage.pt"); }).find("not a torch.save .pt file"), std::string::npos);
  EXPECT_NE(error_of([&] { import_state_dict(dir / "missing.pt"); }).find("missing or unreadable"), std::string::npos);
  fs::copy_file(dir / "good.pt", dir / "cut.pt");
  testing::truncate_file(dir / "cut.pt", fs::file_size(dir / "good.pt") - 30);
  std::string cut = error_of([&] { import_state_dict(dir / "cut.pt"); });
  EXPECT_NE(cut.find(dir / "cut.pt"), std::string::npos) << cut;
}

TEST(StateDictFile, AFlippedByteAnywhereIsNeverACrash) {
  // A .pt file has no checksum LibTorch verifies (its zip reader skips CRCs),
  // so a flip in tensor bytes can load unnoticed, as in Python. What must hold:
  // every flip either loads or is an InputError; nothing crashes or escapes.
  ScratchDir dir;
  export_state_dict(dir / "good.pt", reference_weights());
  auto size = static_cast<std::streamoff>(fs::file_size(dir / "good.pt"));
  int detected = 0;
  for (std::streamoff offset = 0; offset < size; offset += 3) {
    fs::copy_file(dir / "good.pt", dir / "flip.pt", fs::copy_options::overwrite_existing);
    testing::flip_byte(dir / "flip.pt", offset);
    try {
      import_state_dict(dir / "flip.pt");
    } catch (const InputError&) {
      ++detected;
    }
  }
  EXPECT_GT(detected, 0);
  RecordProperty("detected_flips", detected);
}

TEST(Weights, EmaReplacesParametersAndKeepsBuffers) {
  StateBundle model;
  model.add_tensor("model/w", torch::ones({2}));
  model.add_tensor("model/H_init", torch::zeros({2}));
  model.add_tensor("ema/w", torch::full({2}, 0.5));
  NamedTensors raw = model_weights(model, false);
  NamedTensors ema = model_weights(model, true);
  EXPECT_TRUE(bit_identical(raw[0].second, torch::ones({2})));
  EXPECT_TRUE(bit_identical(ema[0].second, torch::full({2}, 0.5)));
  EXPECT_EQ(ema[1].first, "H_init");
  StateBundle no_ema;
  no_ema.add_tensor("model/w", torch::ones({2}));
  EXPECT_NE(error_of([&] { model_weights(no_ema, true); }).find("has no EMA weights"), std::string::npos);
}

TEST(Weights, LoadWeightsReadsCheckpointsAndPtFiles) {
  ScratchDir run;
  StateBundle model = testing::model_bundle(4);
  SaveOptions options{run.path(), 4, 0, 1, false, RetentionPolicy{}};
  save_checkpoint(options, &model, testing::rank_bundle(4, 0), [](bool ok) { return ok; });
  NamedTensors ema = load_weights(run.path(), /*prefer_ema=*/true);
  EXPECT_TRUE(bit_identical(ema[0].second, model.tensor("ema/inner.L_level.layers.0.mlp.weight")));
  NamedTensors raw = load_weights(run.path(), /*prefer_ema=*/false);
  EXPECT_TRUE(bit_identical(raw[0].second, model.tensor("model/inner.L_level.layers.0.mlp.weight")));
  export_state_dict(run / "w.pt", raw);
  expect_same_weights(load_weights(run / "w.pt", true), raw);
}

}  // namespace
}  // namespace recur::checkpoints
