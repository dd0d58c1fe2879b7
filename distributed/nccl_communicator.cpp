// NCCL collectives on the communicator's own stream (see nccl_communicator.h).
#include "distributed/nccl_communicator.h"

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <functional>
#include <stdexcept>
#include <string>

#include "distributed/gatherv_layout.h"
#include "distributed/tensor_checks.h"
#ifdef RECUR_HAVE_MPI
#include "distributed/watchdog.h"
#endif

// LibTorch's current CUDA stream, when this LibTorch has CUDA (cmake/torch.cmake).
#ifdef RECUR_TORCH_CUDA
#include <c10/cuda/CUDAStream.h>
#endif

namespace recur::distributed {

struct NcclEngine {
  int device = 0;
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
  cudaEvent_t ready = nullptr;  // on the compute stream: the inputs are written
  cudaEvent_t done = nullptr;   // on the NCCL stream: the collective completed
  ~NcclEngine();
};

namespace {

void cuda_check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(status));
}

std::string nccl_error_text(ncclResult_t status) {
  std::string text = ncclGetErrorString(status);
#if NCCL_VERSION_CODE >= NCCL_VERSION(2, 13, 0)
  const char* last = ncclGetLastError(nullptr);  // its argument is unused
  if (last && *last) text += std::string(" (") + last + ")";
#endif
  return text;
}

void nccl_check(ncclResult_t status, const char* what) {
  if (status != ncclSuccess) throw std::runtime_error(std::string("NCCL error in ") + what + ": " + nccl_error_text(status));
}

// Makes `device` current while it lives; the caller's device is restored after.
class DeviceGuard {
 public:
  explicit DeviceGuard(int device) {
    cuda_check(cudaGetDevice(&previous_), "cudaGetDevice");
    if (previous_ != device) cuda_check(cudaSetDevice(device), "cudaSetDevice");
  }
  ~DeviceGuard() { cudaSetDevice(previous_); }
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = 0;
};

cudaStream_t compute_stream(int device) {
#ifdef RECUR_TORCH_CUDA
  return c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device)).stream();
#else
  (void)device;
  return cudaStreamLegacy;  // no CUDA LibTorch: no CUDA tensor can reach us anyway
#endif
}

ncclDataType_t nccl_sum_type(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat: return ncclFloat32;
    case torch::kDouble: return ncclFloat64;
    case torch::kInt: return ncclInt32;
    case torch::kLong: return ncclInt64;
    default: throw std::logic_error("nccl_sum_type: unchecked dtype");
  }
}

// Runs `work` inside the watchdog's scope for collective `op` `name`; plainly when
// there is no watchdog (one rank).
void watched(Watchdog* dog, std::string_view op, std::string_view name, const std::function<void()>& work) {
#ifdef RECUR_HAVE_MPI
  if (dog) {
    auto scope = dog->enter(op, name);
    work();
    return;
  }
#else
  (void)dog, (void)op, (void)name;
#endif
  work();
}

// Runs `calls` on the NCCL stream after the compute stream's work and returns when
// they completed. The compute stream is drained before the watched part, so the
// watchdog times the collective, not the backward pass still running on the GPU.
void run_collective(NcclEngine& e, Watchdog* dog, std::string_view op, std::string_view name,
                    const std::function<void(cudaStream_t)>& calls) {
  DeviceGuard guard(e.device);
  cuda_check(cudaEventRecord(e.ready, compute_stream(e.device)), "cudaEventRecord");
  cuda_check(cudaEventSynchronize(e.ready), "cudaEventSynchronize");
  watched(dog, op, name, [&] {
    cuda_check(cudaStreamWaitEvent(e.stream, e.ready, 0), "cudaStreamWaitEvent");
    calls(e.stream);
    cuda_check(cudaEventRecord(e.done, e.stream), "cudaEventRecord");
    cuda_check(cudaEventSynchronize(e.done), "cudaEventSynchronize");
  });
}

}  // namespace

NcclEngine::~NcclEngine() {
  if (cudaSetDevice(device) != cudaSuccess) return;
  if (comm) ncclCommDestroy(comm);
  if (done) cudaEventDestroy(done);
  if (ready) cudaEventDestroy(ready);
  if (stream) cudaStreamDestroy(stream);
}

NcclCommunicator::NcclCommunicator(int device_index, std::unique_ptr<Communicator> host, Watchdog* watchdog)
    : host_(std::move(host)), watchdog_(watchdog), engine_(std::make_unique<NcclEngine>()) {
  NcclEngine& e = *engine_;
  e.device = device_index;
  DeviceGuard guard(device_index);
  cuda_check(cudaStreamCreateWithFlags(&e.stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
  cuda_check(cudaEventCreateWithFlags(&e.ready, cudaEventDisableTiming), "cudaEventCreateWithFlags");
  cuda_check(cudaEventCreateWithFlags(&e.done, cudaEventDisableTiming), "cudaEventCreateWithFlags");

  ncclUniqueId id{};
  if (rank() == 0) nccl_check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  host_->broadcast(torch::from_blob(&id, {static_cast<int64_t>(sizeof id)}, torch::kUInt8), 0,
                   "nccl_unique_id");
  watched(watchdog_, "nccl_init", "communicator",
          [&] { nccl_check(ncclCommInitRank(&e.comm, world_size(), id, rank()), "ncclCommInitRank"); });

#ifdef RECUR_HAVE_MPI
  if (!watchdog_) return;
  watchdog_->set_health_check([&e]() -> std::string {
    ncclResult_t async = ncclSuccess;
    if (ncclCommGetAsyncError(e.comm, &async) != ncclSuccess) return "ncclCommGetAsyncError failed";
    if (async == ncclSuccess || async == ncclInProgress) return "";
    return "NCCL error: " + nccl_error_text(async);
  });
  watchdog_->set_abort_hook([&e] {
    cudaSetDevice(e.device);
    ncclCommAbort(e.comm);
  });
#endif
}

NcclCommunicator::~NcclCommunicator() {
#ifdef RECUR_HAVE_MPI
  // The watchdog must stop touching the NCCL communicator before it is destroyed.
  if (watchdog_) {
    watchdog_->set_health_check(nullptr);
    watchdog_->set_abort_hook(nullptr);
  }
#endif
}

void NcclCommunicator::check_device(const torch::Tensor& t, std::string_view name) const {
  if (!t.is_cuda() || t.get_device() != engine_->device)
    throw std::invalid_argument("collective '" + std::string(name) + "': tensor on " + t.device().str() +
                                ", this NCCL communicator serves cuda:" + std::to_string(engine_->device));
}

void NcclCommunicator::all_reduce_sum(const torch::Tensor& t, std::string_view name) {
  check_reducible(t, name);
  if (t.is_cpu()) return host_->all_reduce_sum(t, name);
  check_device(t, name);
  auto work = t.contiguous();
  if (work.numel() == 0) return;
  run_collective(*engine_, watchdog_, "all_reduce", name, [&](cudaStream_t stream) {
    nccl_check(ncclAllReduce(work.data_ptr(), work.data_ptr(), work.numel(), nccl_sum_type(work.scalar_type()), ncclSum,
                             engine_->comm, stream),
               "ncclAllReduce");
  });
  copy_back(t, work);
}

torch::Tensor NcclCommunicator::all_gather(const torch::Tensor& t, std::string_view name) {
  check_gatherable(t, name);
  if (t.is_cpu()) return host_->all_gather(t, name);
  check_device(t, name);
  auto input = t.contiguous();
  auto sizes = input.sizes().vec();
  sizes[0] *= world_size();
  auto result = torch::empty(sizes, input.options());
  if (input.numel() == 0) return result;
  run_collective(*engine_, watchdog_, "all_gather", name, [&](cudaStream_t stream) {
    nccl_check(ncclAllGather(input.data_ptr(), result.data_ptr(), input.nbytes(), ncclUint8, engine_->comm, stream),
               "ncclAllGather");
  });
  return result;
}

// One broadcast per rank into its slice of the result, grouped into one NCCL launch.
torch::Tensor NcclCommunicator::all_gatherv(const torch::Tensor& t, std::string_view name) {
  check_gatherable(t, name);
  if (t.is_cpu()) return host_->all_gatherv(t, name);
  check_device(t, name);
  auto input = t.contiguous();
  torch::Tensor result;
  watched(watchdog_, "all_gatherv", name, [&] {
    GathervLayout layout = agree_gatherv_layout(*host_, input, name);
    result = torch::empty(layout.result_sizes, input.options());
    auto* out = static_cast<char*>(result.data_ptr());
    run_collective(*engine_, watchdog_, "all_gatherv", name, [&](cudaStream_t stream) {
      nccl_check(ncclGroupStart(), "ncclGroupStart");
      for (int r = 0; r < world_size(); ++r) {
        if (layout.rows[r] == 0) continue;  // every rank knows the counts: all skip alike
        char* slice = out + layout.first_row[r] * layout.row_bytes;
        const void* send = r == rank() ? input.data_ptr() : slice;
        nccl_check(ncclBroadcast(send, slice, layout.rows[r] * layout.row_bytes, ncclUint8, r, engine_->comm, stream),
                   "ncclBroadcast");
      }
      nccl_check(ncclGroupEnd(), "ncclGroupEnd");
    });
  });
  return result;
}

void NcclCommunicator::broadcast(const torch::Tensor& t, int root, std::string_view name) {
  check_defined(t, name);
  check_root(root, world_size(), name);
  if (t.is_cpu()) return host_->broadcast(t, root, name);
  check_device(t, name);
  auto work = t.contiguous();
  if (work.numel() == 0) return;
  run_collective(*engine_, watchdog_, "broadcast", name, [&](cudaStream_t stream) {
    nccl_check(ncclBroadcast(work.data_ptr(), work.data_ptr(), work.nbytes(), ncclUint8, root, engine_->comm, stream),
               "ncclBroadcast");
  });
  copy_back(t, work);
}

}  // namespace recur::distributed
