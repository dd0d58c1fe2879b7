// Process start-up shared by train/eval/bench (see session.h).
#include "trainer/train/session.h"

#include <torch/cuda.h>

#include <cstdlib>

#include "common/error.h"
#include "distributed/make_communicator.h"
#include "trainer/memory/caching_cpu_allocator.h"
#include "trainer/memory/memory_meter.h"
#include "trainer/runtime/threads.h"

namespace recur::trainer {
namespace {

// Why device=cuda cannot be served: a CPU-only build, or no GPU visible.
std::string no_cuda_reason() {
#ifdef RECUR_TORCH_CUDA
  const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
  return std::string("cuda was asked for, but no CUDA device is visible to this process (CUDA_VISIBLE_DEVICES=") +
         (visible ? std::string("'") + visible + "'" : "unset") + ")";
#else
  return "cuda was asked for, but this recur is built with a CPU-only LibTorch (scripts/build.sh --cuda builds "
         "build-cuda/recur)";
#endif
}

torch::Device choose_device(const std::string& name, const distributed::RankInfo& info) {
  const bool cuda = torch::cuda::is_available();
  if (name == "cpu" || (name == "auto" && !cuda)) return torch::kCPU;
  if (name != "cuda" && name != "auto") throw InputError("device", "expected auto, cpu or cuda, got '" + name + "'");
  if (!cuda) throw InputError("device", no_cuda_reason());
  const int index = distributed::local_cuda_device(info, static_cast<int>(torch::cuda::device_count()));
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

}  // namespace

Session start_session(const std::string& device, int64_t threads, double watchdog_timeout_s) {
  Session s;
  s.info = distributed::rank_info_from_env();
  s.mpi = std::make_unique<distributed::MpiRuntime>(s.info);
  s.device = choose_device(device, s.info);
  s.threads = configure_threads(threads, s.info.local_world_size);
  install_caching_cpu_allocator();  // first: the meter wraps it and counts tensor bytes
  install_cpu_memory_meter();
  s.comm = distributed::make_communicator(*s.mpi, s.device, watchdog_timeout_s);
  return s;
}

}  // namespace recur::trainer
