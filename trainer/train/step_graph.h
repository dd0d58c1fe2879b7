// The supervision step as a CUDA graph: captured once, replayed every micro-batch.
//
// Why: one TRM supervision step is hundreds of small kernels per recursion (norms,
// SwiGLU halves, rotary, residual adds, casts), launched one by one from the host;
// a graph replay launches them all with one call, so the GPU never waits for the
// host between them. Graphs need fixed shapes and fixed memory, which the step has:
// the batch, the carry and the halting masks are fixed-size tensors (halting is a
// mask, never a filter), the exploration draw is an input, and the gradients are
// views of one flat buffer that backward accumulates into in place.
//
// How: the step's inputs (carry, batch, exploration minimum) are copied into
// buffers the graph owns. The first kWarmupRuns calls run the step eagerly on the
// graph's side stream (lazy initialisation of kernels, library handles and their
// per-stream workspaces stays out of the graph); the next one captures it on that
// stream and replays it; every later one replays it.
// Outputs live in the graph's memory until the next replay.
#pragma once

#include <memory>

#include "trainer/config/config.h"
#include "trainer/train/supervision_step.h"

namespace recur::trainer {

class StepGraph {
 public:
  static constexpr int kWarmupRuns = 2;

  StepGraph(ActModel& model, LossType loss_type, double loss_divisor);
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;

  // supervision_step() on copies of the inputs; the outputs are valid until the next run.
  const SupervisionOutputs& run(const Carry& carry, const Batch& batch, const torch::Tensor& exploration_min_steps);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A StepGraph when `config.cuda_graphs` is on and the model runs on CUDA (with a CUDA
// LibTorch); null otherwise, and the trainer steps eagerly.
std::unique_ptr<StepGraph> make_step_graph(const Config& config, ActModel& model, LossType loss_type);

}  // namespace recur::trainer
