// URM's Muon (see muon.h).
#include "trainer/optim/muon.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace recur::trainer {
namespace {

constexpr double kMomentum = 0.95;
constexpr double kWeightDecay = 0.1;
constexpr double kMatchedAdamWRms = 0.2;
constexpr double kBeta1 = 0.9, kBeta2 = 0.95, kEps = 1e-8;
constexpr double kNormFloor = 1e-7;

const torch::ScalarType kF32 = torch::kFloat32;

}  // namespace

const double kMuonNsCoefficients[kMuonNsSteps][3] = {{7.2086, -15.5131, 9.0178},
                                                     {3.9623, -2.5813, 0.4542},
                                                     {3.9466, -2.5765, 0.4544},
                                                     {3.8991, -2.5671, 0.4566},
                                                     {3.7186, -2.5308, 0.4653}};

torch::Tensor muon_newton_schulz_step(const torch::Tensor& X, const double abc[3], torch::Tensor* A_out,
                                      torch::Tensor* B_out) {
  const torch::Tensor A = torch::mm(X, X.t());
  const torch::Tensor B = torch::addmm(A, A, A, /*beta=*/abc[1], /*alpha=*/abc[2]);  // b A + c A A
  if (A_out) *A_out = A;
  if (B_out) *B_out = B;
  return torch::addmm(X, B, X, /*beta=*/abc[0], /*alpha=*/1.0);  // a X + B X
}

torch::Tensor muon_msign(const torch::Tensor& input, MsignTrace* trace) {
  torch::NoGradGuard no_grad;
  const bool transposed = input.size(0) > input.size(1);
  torch::Tensor X = input.to(kF32);
  if (transposed) X = X.t();
  const torch::Tensor norm = X.norm();
  X = X / norm.clamp_min(kNormFloor);
  if (trace) {
    trace->transposed = transposed;
    trace->norm = norm;
    trace->X0 = X;
  }
  for (const auto& abc : kMuonNsCoefficients) {
    torch::Tensor A, B;
    X = muon_newton_schulz_step(X, abc, &A, &B);
    if (trace) {
      trace->A.push_back(A);
      trace->B.push_back(B);
      trace->X.push_back(X);
    }
  }
  if (transposed) X = X.t();
  if (trace) trace->output = X;
  return X;
}

Muon::Muon(const FlatBuffers& params, std::vector<torch::Tensor> grad_buffers)
    : params_(params), grad_buffers_(std::move(grad_buffers)) {
  params_.check_gradient_layout(grad_buffers_);
  const auto state_like = [](const torch::Tensor& p) { return torch::zeros_like(p, torch::MemoryFormat::Contiguous); };
  const NamedTensors grads = params_.slices_of(grad_buffers_);
  for (size_t i = 0; i < grads.size(); ++i) {
    const auto& [name, p] = params_.slices()[i];
    if (in_muon_group(p)) {
      muon_params_.emplace_back(name, p);
      muon_grads_.push_back(grads[i].second);
      buffers_.emplace_back("muon_buffer/" + name, state_like(p));
    } else {
      adamw_params_.emplace_back(name, p);
      adamw_grads_.push_back(grads[i].second);
      exp_avg_.emplace_back("adamw_exp_avg/" + name, state_like(p));
      exp_avg_sq_.emplace_back("adamw_exp_avg_sq/" + name, state_like(p));
    }
  }
}

void Muon::muon_update(torch::Tensor& p, const torch::Tensor& g, torch::Tensor& buffer, torch::Tensor& ns_input,
                       double lr) const {
  buffer.mul_(kMomentum).add_(g);
  ns_input = torch::add(g, buffer, kMomentum).to(torch::kBFloat16);  // fused g + 0.95 b, as the reference's kernel
  const torch::Tensor update = muon_msign(ns_input);
  const double adjusted_lr = lr * kMatchedAdamWRms * std::sqrt(static_cast<double>(std::max(p.size(0), p.size(1))));
  p.mul_(1 - lr * kWeightDecay);  // the plain lr, not the adjusted one
  p.add_(update.to(p.scalar_type()), -adjusted_lr);
}

void Muon::adamw_update(torch::Tensor& p, const torch::Tensor& grad, torch::Tensor& m, torch::Tensor& v,
                        double lr) const {
  // Every op in fp32, its result rounded to the parameter's dtype (a no-op for fp32).
  const torch::ScalarType dtype = p.scalar_type();
  const auto round = [dtype](const torch::Tensor& t) { return t.to(dtype); };
  const torch::Tensor g = grad.to(kF32);
  const double t = static_cast<double>(adamw_step_);
  m.copy_(round(m.to(kF32).lerp(g, 1 - kBeta1)));
  const torch::Tensor g_sq = round(g * g);
  v.copy_(round(v.to(kF32).lerp(g_sq.to(kF32), 1 - kBeta2)));
  const torch::Tensor denom = round(round(v.to(kF32).sqrt()).to(kF32) + kEps);
  const torch::Tensor q = round(m.to(kF32) / denom.to(kF32));
  const double scale = (1 - std::pow(kBeta1, t)) / std::sqrt(1 - std::pow(kBeta2, t));
  const torch::Tensor decayed = round(p.to(kF32) * (1 - lr * kWeightDecay));
  p.copy_(torch::add(decayed.to(kF32), q.to(kF32), -lr / scale));  // p + alpha q in fp32, rounded once
}

void Muon::step(double lr) {
  torch::NoGradGuard no_grad;
  // As AdamATan2: every parameter must still read its gradient from the flat buffers.
  params_.check_gradient_layout(grad_buffers_);
  ns_inputs_.clear();
  for (size_t i = 0; i < muon_params_.size(); ++i) {
    auto& [name, p] = muon_params_[i];
    torch::Tensor ns_input;
    muon_update(p, muon_grads_[i], buffers_[i].second, ns_input, lr);
    ns_inputs_.emplace_back(name, ns_input);
  }
  ++adamw_step_;
  for (size_t i = 0; i < adamw_params_.size(); ++i)
    adamw_update(adamw_params_[i].second, adamw_grads_[i], exp_avg_[i].second, exp_avg_sq_[i].second, lr);
}

NamedTensors Muon::state() const {
  NamedTensors out{{"adamw_step", torch::tensor(adamw_step_, torch::kInt64)}};
  for (const NamedTensors* part : {&buffers_, &exp_avg_, &exp_avg_sq_})
    out.insert(out.end(), part->begin(), part->end());
  return out;
}

void Muon::load_state(const NamedTensors& state, const std::string& where) {
  const torch::Tensor step = find_named(state, "adamw_step");
  if (!step.defined() || step.numel() != 1) throw InputError(where, "optimizer state has no scalar 'adamw_step'");
  NamedTensors targets;
  for (const NamedTensors* part : {&buffers_, &exp_avg_, &exp_avg_sq_})
    targets.insert(targets.end(), part->begin(), part->end());
  NamedTensors source;
  for (const auto& entry : state)
    if (entry.first != "adamw_step") source.push_back(entry);
  copy_named_into(targets, source, where);
  adamw_step_ = step.item<int64_t>();
}

}  // namespace recur::trainer
