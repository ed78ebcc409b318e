#include "train/threadpool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <vector>
#ifdef DAE_THREADS
#include <condition_variable>
#include <thread>
#endif

namespace dae {

#ifdef DAE_THREADS
struct ThreadPool::Impl {
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable cv_start, cv_done;
  const std::function<void(int, int)>* job = nullptr;
  int n = 0;
  std::atomic<int> next{0};
  int busy = 0;
  int active = 0;  // threads taking part in the current job (the caller is thread 0)
  long long generation = 0;
  bool stop = false;
  std::exception_ptr error;

  void run(int tid) {
    for (int i; (i = next.fetch_add(1)) < n;) {
      try {
        (*job)(i, tid);
      } catch (...) {
        std::lock_guard<std::mutex> lk(mu);
        if (!error) error = std::current_exception();
        next = n;  // stop handing out work
      }
    }
  }
  void worker(int tid) {
    long long seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu);
        cv_start.wait(lk, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
        if (tid >= active) continue;  // left idle this time (ThreadPool::set_spare)
      }
      run(tid);
      {
        std::lock_guard<std::mutex> lk(mu);
        if (--busy == 0) cv_done.notify_one();
      }
    }
  }
};

ThreadPool::ThreadPool(int threads) : impl_(std::make_unique<Impl>()), threads_(std::max(1, threads)) {
  for (int t = 1; t < threads_; ++t) impl_->workers.emplace_back([this, t] { impl_->worker(t); });
}
ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv_start.notify_all();
  for (auto& w : impl_->workers) w.join();
}
void ThreadPool::parallel_for(int n, const std::function<void(int, int)>& fn) {
  if (n <= 0) return;
  const int use = spare_ ? std::clamp(threads_ - spare_->load(std::memory_order_relaxed), 1, threads_) : threads_;
  if (use == 1 || n == 1) {
    for (int i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  Impl& s = *impl_;
  {
    std::lock_guard<std::mutex> lk(s.mu);
    s.job = &fn;
    s.n = n;
    s.next = 0;
    s.busy = use - 1;
    s.active = use;
    s.error = nullptr;
    ++s.generation;
  }
  s.cv_start.notify_all();
  s.run(0);
  std::unique_lock<std::mutex> lk(s.mu);
  s.cv_done.wait(lk, [&] { return s.busy == 0; });
  s.job = nullptr;
  if (s.error) std::rethrow_exception(s.error);
}
int ThreadPool::hardware_threads() { return std::max(1u, std::thread::hardware_concurrency()); }
#else
struct ThreadPool::Impl {};
ThreadPool::ThreadPool(int) : threads_(1) {}
ThreadPool::~ThreadPool() = default;
void ThreadPool::parallel_for(int n, const std::function<void(int, int)>& fn) {
  for (int i = 0; i < n; ++i) fn(i, 0);
}
int ThreadPool::hardware_threads() { return 1; }
#endif

}  // namespace dae
