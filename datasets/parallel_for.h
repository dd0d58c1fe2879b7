// A minimal parallel loop for the builders: items are handed out one at a
// time from an atomic counter, so uneven items (ARC tasks differ a lot in
// size) still keep every thread busy. Results must be written by index, never
// in completion order, which keeps builds identical for any thread count.
#pragma once

#include <cstdint>
#include <functional>

namespace recur::datasets {

// Runs fn(i) for every i in [0, n) on up to `threads` threads (the calling
// thread is one of them). The first exception thrown by fn is rethrown here
// after all threads stop; the remaining items are skipped.
void parallel_for(int64_t n, int threads, const std::function<void(int64_t)>& fn);

// The machine's hardware threads (at least 1): the builders' default.
int default_thread_count();

}  // namespace recur::datasets
