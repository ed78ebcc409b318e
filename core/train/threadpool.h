// threadpool.h — a tiny fixed-size pool for "run f(i) for i in [0, n)" with dynamic scheduling.
// Without DAE_THREADS (the single-threaded wasm build) it runs everything on the calling thread.
// Which thread runs which i is not fixed, so callers must not let results depend on it.
#pragma once
#include <atomic>
#include <functional>
#include <memory>

namespace dae {

class ThreadPool {
 public:
  explicit ThreadPool(int threads = 1);  // total threads, the caller included
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;
  int size() const { return threads_; }
  // Calls fn(i, thread_index) for every i in [0, n); returns when all are done. thread_index is
  // in [0, size()). The first exception thrown by fn is rethrown here.
  void parallel_for(int n, const std::function<void(int, int)>& fn);
  // While *spare is k > 0, parallel_for leaves k of the pool's threads idle (at least the
  // caller works): the page sets it while the user draws, so that the main thread gets a core.
  // Read at every parallel_for; may change from any thread; nullptr = use them all.
  void set_spare(const std::atomic<int>* spare) { spare_ = spare; }
  static int hardware_threads();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int threads_ = 1;
  const std::atomic<int>* spare_ = nullptr;
};

}  // namespace dae
