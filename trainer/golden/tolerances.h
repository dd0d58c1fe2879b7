// The tolerances of the model fixtures, as the golden README states them per fixture
// (../shared/golden/README.md, "Tolerances and how to compare"). They are fixed here,
// one row per fixture kind, and a check never loosens them.
#pragma once

#include <cstdint>
#include <string>

namespace recur::trainer {

struct ModelTolerances {
  double forward;      // logits, Q values, the Q target, the carried state (normwise relative)
  double loss;         // the total loss (relative)
  double metric_loss;  // metrics/lm_loss, q_*_loss (relative)
  double grads;        // every parameter gradient, puzzle-embedding rows (normwise relative)
  double accuracy;     // metrics/accuracy (relative), unless a prediction flip moves it
  double preds_min_gap;  // preds are exact where the stored top-2 logit gap is at least this
  // The README's fair end-to-end criterion on the free-running train/ run: the loss within
  // `end_to_end_loss` and at least `end_to_end_fraction` of the parameter elements within
  // 1e-5 after each of the first `end_to_end_steps` steps.
  int64_t end_to_end_steps;
  double end_to_end_loss;
  double end_to_end_fraction;
  double preds_fraction = 1.0;  // share of predicted tokens equal to the reference's (1 = all)
};

// Optimizer replay (train/) and the RoPE tables, the same for every model fixture.
constexpr double kReplayParamTol = 1e-7;   // parameters, puzzle table, float32 EMA (absolute)
constexpr double kReplayMomentTol = 1e-6;  // float32 Adam moments (normwise relative)
constexpr double kRopeTol = 1e-5;          // cos/sin tables (normwise relative)
constexpr double kEndToEndParamTol = 1e-5;
// bf16 quantities (URM's ConvSwiGLU stages, bf16 parameters' moments): equal, or one bf16
// ulp apart at no more than this share of the elements (summation order).
constexpr double kBf16OneUlpFraction = 1e-3;
// muon.h5 (README "Muon"): momentum buffers (normwise), msign from the stored input
// (normwise), each Newton-Schulz stage from the stored previous one (normwise), Muon-group
// and float32 AdamW parameters (absolute), float32 AdamW moments (normwise).
constexpr double kMuonBufferTol = 1e-6;
constexpr double kMuonMsignTol = 1e-4;
constexpr double kMuonTraceTol = 1e-5;
constexpr double kMuonParamTol = 1e-6;
constexpr double kMuonMomentTol = 1e-6;
// URM's float32 ConvSwiGLU stages (gate|up output, input and gate|up gradients).
constexpr double kModuleFloat32Tol = 1e-5;

// The row of a model fixture's `model_kind`; an unknown kind is an InputError naming `file`.
const ModelTolerances& model_tolerances(const std::string& model_kind, const std::string& file);

// The model in bfloat16 (fp32 weights) against the float32 fixtures: provisional bounds
// of a few bf16 roundings (2^-8 each) compounded over the recursion, to be replaced by
// the errors the first GPU run measures (docs/gpu.md). The float32 row's step count stays.
ModelTolerances bf16_tolerances(const ModelTolerances& float32);

}  // namespace recur::trainer
