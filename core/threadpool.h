// threadpool.h — a tiny fixed-size pool for "run f(i) for i in [0, n)" with dynamic scheduling.
// Without DAE_THREADS (the wasm build) it runs everything on the calling thread.
#pragma once
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
  static int hardware_threads();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int threads_ = 1;
};

}  // namespace dae
