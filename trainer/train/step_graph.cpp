// Capture and replay of the supervision step (see step_graph.h).
#include "trainer/train/step_graph.h"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#ifdef RECUR_TORCH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace recur::trainer {

#ifdef RECUR_TORCH_CUDA

namespace {

// `into` gets `from`'s values: a fresh copy the first time, in place afterwards
// (the graph reads these exact buffers).
void copy_input(torch::Tensor& into, const torch::Tensor& from) {
  if (!from.defined()) return;
  if (!into.defined()) into = from.clone(torch::MemoryFormat::Contiguous);
  else into.copy_(from);
}

}  // namespace

struct StepGraph::Impl {
  ActModel& model;
  LossType loss_type;
  double loss_divisor;
  Carry carry;          // input buffers
  Batch batch;
  torch::Tensor min_steps;
  SupervisionOutputs out;
  at::cuda::CUDAGraph graph;
  std::optional<c10::cuda::CUDAStream> side;  // warm-up and capture stream
  int runs = 0;

  void load_inputs(const Carry& c, const Batch& b, const torch::Tensor& m) {
    if (carry.state.empty())
      for (const auto& [name, t] : c.state) carry.state.emplace_back(name, torch::Tensor());
    for (size_t i = 0; i < c.state.size(); ++i) copy_input(carry.state[i].second, c.state[i].second);
    copy_input(carry.steps, c.steps);
    copy_input(carry.halted, c.halted);
    copy_input(carry.current_data.inputs, c.current_data.inputs);
    copy_input(carry.current_data.labels, c.current_data.labels);
    copy_input(carry.current_data.puzzle_identifiers, c.current_data.puzzle_identifiers);
    copy_input(batch.inputs, b.inputs);
    copy_input(batch.labels, b.labels);
    copy_input(batch.puzzle_identifiers, b.puzzle_identifiers);
    copy_input(min_steps, m);
  }

  SupervisionOutputs step() { return supervision_step(model, carry, batch, min_steps, loss_type, loss_divisor); }

  // Runs `work` on the graph's own side stream (capture needs a non-default stream),
  // ordered after and before the caller's stream by events. The warm-up runs use the
  // same stream as the capture, so whatever a library sets up per stream on first use
  // (cuBLAS workspaces) exists before the capture starts.
  void on_side_stream(const std::function<void()>& work) {
    const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream();
    if (!side) side = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, caller.device_index());
    at::cuda::CUDAEvent inputs_ready, done;
    inputs_ready.record(caller);
    inputs_ready.block(*side);
    {
      c10::cuda::CUDAStreamGuard guard(*side);
      work();
    }
    done.record(*side);
    done.block(caller);
  }

  void capture() {
    on_side_stream([this] {
      try {
        graph.capture_begin();
        out = step();
        graph.capture_end();
      } catch (const std::exception& e) {
        throw std::runtime_error(std::string("capturing the supervision step as a CUDA graph failed (set "
                                             "cuda_graphs: false to train without): ") +
                                 e.what());
      }
    });
  }
};

StepGraph::StepGraph(ActModel& model, LossType loss_type, double loss_divisor)
    : impl_(new Impl{model, loss_type, loss_divisor, {}, {}, {}, {}, {}, std::nullopt, 0}) {}

StepGraph::~StepGraph() = default;

const SupervisionOutputs& StepGraph::run(const Carry& carry, const Batch& batch,
                                         const torch::Tensor& exploration_min_steps) {
  Impl& g = *impl_;
  g.load_inputs(carry, batch, exploration_min_steps);
  ++g.runs;
  if (g.runs <= kWarmupRuns) {
    g.on_side_stream([&g] { g.out = g.step(); });
    return g.out;
  }
  if (g.runs == kWarmupRuns + 1) g.capture();
  g.graph.replay();
  return g.out;
}

std::unique_ptr<StepGraph> make_step_graph(const Config& config, ActModel& model, LossType loss_type) {
  if (!config.cuda_graphs || !model.inner().device().is_cuda()) return nullptr;
  return std::make_unique<StepGraph>(model, loss_type, static_cast<double>(config.global_batch_size));
}

#else  // a CPU-only LibTorch has no CUDA graphs

struct StepGraph::Impl {};
StepGraph::StepGraph(ActModel&, LossType, double) { throw std::logic_error("StepGraph without CUDA"); }
StepGraph::~StepGraph() = default;
const SupervisionOutputs& StepGraph::run(const Carry&, const Batch&, const torch::Tensor&) {
  throw std::logic_error("StepGraph without CUDA");
}
std::unique_ptr<StepGraph> make_step_graph(const Config&, ActModel&, LossType) { return nullptr; }

#endif

}  // namespace recur::trainer
