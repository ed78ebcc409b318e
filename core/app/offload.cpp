#include "app/offload.h"

#include <mutex>
#ifdef DAE_THREADS
#include <condition_variable>
#include <thread>
#endif

namespace dae {

struct Offload::Impl {
  struct Done {
    int slot;
    Apply apply;                 // the job's result, or
    std::exception_ptr error;    // what it threw
  };
  mutable std::mutex mu;
  std::map<int, Job> waiting;   // one per slot
  int running = -1;             // the slot of the job on the helper, or -1
  std::vector<Done> done;       // finished, not yet applied
  Context ctx;                  // the helper's (or, without threads, the caller's)
  uint64_t runs = 0;            // jobs run (guarded by mu)
  bool threaded = false;
#ifdef DAE_THREADS
  std::condition_variable cv;
  bool stop = false;
  std::thread thread;
#endif

  // Runs one job and keeps its result for poll(). The caller holds no lock.
  Done run(int slot, const Job& job) {
    Done d{slot, nullptr, nullptr};
    try {
      d.apply = job(ctx);
    } catch (...) {
      d.error = std::current_exception();
    }
    return d;
  }

#ifdef DAE_THREADS
  void loop() {
    std::unique_lock<std::mutex> lk(mu);
    for (;;) {
      cv.wait(lk, [this] { return stop || !waiting.empty(); });
      if (stop) return;
      auto first = waiting.begin();  // the lowest slot
      const int slot = first->first;
      Job job = std::move(first->second);
      waiting.erase(first);
      running = slot;
      lk.unlock();
      Done d = run(slot, job);
      job = nullptr;  // what it captured (a model snapshot) is released here, not under the lock
      lk.lock();
      running = -1;
      ++runs;
      done.push_back(std::move(d));
    }
  }
#endif
};

Offload::Offload(bool threaded) : impl_(std::make_unique<Impl>()) {
#ifdef DAE_THREADS
  impl_->threaded = threaded;
  if (threaded) impl_->thread = std::thread([this] { impl_->loop(); });
#else
  (void)threaded;
#endif
}

Offload::~Offload() {
#ifdef DAE_THREADS
  if (impl_->threaded) {
    {
      std::lock_guard<std::mutex> lk(impl_->mu);
      impl_->stop = true;
    }
    impl_->cv.notify_all();
    impl_->thread.join();
  }
#endif
}

bool Offload::threaded() const { return impl_->threaded; }

void Offload::submit(int slot, Job job) {
  if (!impl_->threaded) {
    Impl::Done d = impl_->run(slot, job);
    std::lock_guard<std::mutex> lk(impl_->mu);
    ++impl_->runs;
    impl_->done.push_back(std::move(d));
    return;
  }
#ifdef DAE_THREADS
  {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->waiting[slot] = std::move(job);
  }
  impl_->cv.notify_one();
#endif
}

int Offload::poll() {
  int n = 0;
  for (;;) {
    Impl::Done d;
    {
      std::lock_guard<std::mutex> lk(impl_->mu);
      if (impl_->done.empty()) return n;
      d = std::move(impl_->done.front());
      impl_->done.erase(impl_->done.begin());
    }
    ++n;
    if (d.error) std::rethrow_exception(d.error);
    if (d.apply) d.apply();
  }
}

bool Offload::pending(int slot) const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  if (impl_->running == slot || impl_->waiting.count(slot)) return true;
  for (const auto& d : impl_->done)
    if (d.slot == slot) return true;
  return false;
}

uint64_t Offload::jobs_run() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->runs;
}

bool Offload::busy() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->running >= 0 || !impl_->waiting.empty() || !impl_->done.empty();
}

}  // namespace dae
