// The one line a run that ran out of GPU memory ends with (exit 1).
//
// LibTorch's message is a paragraph (capacity, reserved, allocator advice); the
// user needs to know what happened and what to change. A training step's memory
// is almost all activations, which grow with the rows a step runs at once.
#pragma once

#include <c10/util/Exception.h>

#include <string>

namespace recur::trainer {

// "out of GPU memory (CUDA out of memory. Tried to allocate 94.00 GiB): the batch is too large ..."
inline std::string out_of_memory_message(const c10::OutOfMemoryError& e) {
  std::string what = e.what_without_backtrace();
  // Keep "CUDA out of memory. Tried to allocate 94.00 GiB", drop the allocator's advice.
  const size_t tried = what.find("Tried to allocate");
  const size_t end = tried == std::string::npos ? what.find('\n') : what.find(". ", tried);
  if (end != std::string::npos) what.resize(end);
  return "out of GPU memory (" + what +
         "): the batch is too large for this card: lower global_batch_size, or keep it and raise "
         "grad_accum_steps (micro-batches per step)";
}

}  // namespace recur::trainer
