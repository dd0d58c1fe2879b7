// A background thread that keeps the next few items ready, so the trainer
// never waits on disk: a bounded queue filled by `produce` on a worker thread
// and drained by pop() on the caller's.
//
// With background = false, pop() simply calls produce itself. The loaders
// use that when the HDF5 library is not thread-safe (h5_is_thread_safe()):
// then no two threads may call HDF5 at once, and the trainer's own HDF5 use
// (checkpoints) would race with a reader thread.
//
// produce(item) fills one item and returns false when it was the last one.
// An exception thrown by produce is stored and rethrown by pop() once the
// items before it are consumed. The destructor stops the worker cleanly (it
// finishes the item in progress, then exits).
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace recur::datasets {

template <class Item>
class Prefetcher {
 public:
  using Produce = std::function<bool(Item&)>;

  Prefetcher(size_t depth, Produce produce, bool background = true)
      : depth_(depth < 1 ? 1 : depth), produce_(std::move(produce)) {
    if (background) worker_ = std::thread([this] { run(); });
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;
  ~Prefetcher() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  Item pop() {
    if (!worker_.joinable() && !finished_) {  // no background thread: produce now
      Item item;
      finished_ = !produce_(item);
      return item;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !queue_.empty() || error_ || finished_; });
    if (queue_.empty()) {
      if (error_) std::rethrow_exception(error_);
      throw std::logic_error("Prefetcher: pop() after the last item");
    }
    Item item = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    changed_.notify_all();
    return item;
  }

 private:
  void run() {
    try {
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [&] { return stop_ || queue_.size() < depth_; });
          if (stop_) return;
        }
        Item item;
        const bool more = produce_(item);  // outside the lock: this is the slow part
        {
          std::lock_guard<std::mutex> lock(mutex_);
          queue_.push_back(std::move(item));
          finished_ = !more;
        }
        changed_.notify_all();
        if (!more) return;
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
      changed_.notify_all();
    }
  }

  const size_t depth_;
  Produce produce_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;
  bool stop_ = false;
  bool finished_ = false;
  std::exception_ptr error_;
  std::thread worker_;  // last: started after every other member exists
};

}  // namespace recur::datasets
