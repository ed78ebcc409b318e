// offload.h — model work for a user interface, on a thread of its own: the thread that draws
// hands a job over and takes its result a frame later, never waiting and never running a
// forward pass itself.
//
//   Offload work(/*threaded=*/true);
//   work.submit(kDrawSlot, [snap, image](Context& ctx) -> Offload::Apply {  // on the helper
//     Triple t = snap->denoise_drawing(image, key, noise, ctx);
//     return [t = std::move(t), &panel] { panel.show(t); };                  // back here, in poll()
//   });
//   every frame: work.poll();  // applies what has finished, on the calling thread
//
// A slot holds one waiting job: a newer one replaces a job not yet started (the Draw pad only
// needs its latest stroke). Lower slots start first. Without threads (DAE_THREADS unset, or
// threaded = false: the single-threaded page) submit() runs the job at once and poll() applies
// it, so callers are written once. A job that throws has its exception rethrown by poll().
#pragma once
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "nn/model.h"

namespace dae {

class Offload {
 public:
  using Apply = std::function<void()>;        // runs on the caller's thread, in poll()
  using Job = std::function<Apply(Context&)>;  // runs on the helper, with its own Context

  explicit Offload(bool threaded);
  ~Offload();  // drops waiting jobs, waits for the one running, applies nothing
  Offload(const Offload&) = delete;
  Offload& operator=(const Offload&) = delete;

  void submit(int slot, Job job);
  // Applies the results of the jobs finished since the last call, in the order they finished.
  // Returns how many. Rethrows a job's exception (the results after it wait for the next call).
  int poll();
  bool pending(int slot) const;  // a job of this slot is waiting, running, or not yet applied
  bool busy() const;             // … of any slot
  bool threaded() const;         // jobs run on a thread of their own
  uint64_t jobs_run() const;     // jobs run so far (a replaced job never runs)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dae
