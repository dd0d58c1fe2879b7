// The collectives the trainer needs, behind one interface with three engines.
//
// One process per device. Every rank calls the same collectives in the same order
// (an MPI rule); each call carries a short name ("grads", "puzzle_emb_ids", ...)
// that the watchdog prints when the call hangs. The engines:
//   LocalCommunicator  world size 1: every collective is the identity, so the
//                      trainer runs the same code with or without a launcher;
//   MpiCommunicator    CPU tensors through MPI's blocking collectives (a CUDA tensor
//                      goes through a host copy when NCCL is not built);
//   NcclCommunicator   CUDA tensors through NCCL on its own stream, MPI for the
//                      bootstrap and for host-side values (agree_any, barrier).
// make_communicator() (make_communicator.h) picks one from the device and world size.
//
// Every call returns when the collective is complete (results are ready to read on
// the host or on the compute stream). A tensor passed "in place" is modified through
// its handle, so a parameter's .data can be broadcast into directly.
#pragma once

#include <string>
#include <string_view>

#include "common/libtorch.h"

namespace recur::distributed {

class Communicator {
 public:
  virtual ~Communicator() = default;

  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  virtual std::string backend() const = 0;  // "local", "mpi" or "nccl"

  // In place: t = sum over ranks of t. float32, float64, int32 and int64; same shape on
  // every rank. Also the way to reduce metrics: every rank gets the sum, rank 0 logs it.
  virtual void all_reduce_sum(const torch::Tensor& t, std::string_view name) = 0;

  // Concatenation of every rank's t along dim 0, in rank order. all_gather needs the
  // same shape on every rank (the fast path); all_gatherv lets dim 0 differ (the other
  // dims and the dtype must match, else std::invalid_argument on every rank).
  // The result is a new tensor on t's device, even with one rank.
  virtual torch::Tensor all_gather(const torch::Tensor& t, std::string_view name) = 0;
  virtual torch::Tensor all_gatherv(const torch::Tensor& t, std::string_view name) = 0;

  // In place: every rank's t becomes root's t (same shape and dtype on every rank).
  virtual void broadcast(const torch::Tensor& t, int root, std::string_view name) = 0;

  virtual void barrier(std::string_view name) = 0;

  // Logical OR of `flag` over ranks: lets ranks agree at a step boundary that one of
  // them was asked to stop (a signal may reach one rank before another).
  virtual bool agree_any(bool flag, std::string_view name) = 0;

  // A collective not complete after this many seconds aborts the job with a message
  // naming this rank, the collective and the peers that did not arrive. Set a long
  // value for start-up and the first step, then the normal one.
  virtual void set_watchdog_timeout(double seconds) = 0;
};

}  // namespace recur::distributed
