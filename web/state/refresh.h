// refresh.h — how the Draw pad, Inspect and Results follow their inputs and the model, written
// once: a memo of each (the model's taken at the panel's own pace while a run trains), a snapshot
// of the model when either changed, the forward passes handed to the helper (App::work), and
// their result applied on the page's thread at the start of a later frame.
//
//   const Refresh::Due due = d.refresh.due(a.session, a.timing.now, key(d.drawn_rev, noise));  // each frame
//   if (!due || !due.snap) return;  // nothing new; no model
//   offload(*a.work, kDrawWork, due.snap,
//           [image, noise](const dae::ModelSnapshot& snap, dae::Context& ctx) {  // on the helper
//             return snap.denoise_drawing(image, 1, noise, ctx);
//           },
//           [&a](dae::Triple t) { a.draw.out = std::move(t); });  // on the page's thread, later
//
// What each panel does between the two (images computed at once, a pass in pieces) and which
// late results it drops stays the panel's.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "app/offload.h"
#include "app/session.h"
#include "widgets/ui.h"

namespace app {

class Refresh {
 public:
  // While a run trains, the model's changes are taken at most every `model_every` seconds.
  explicit Refresh(double model_every) : model_every_(model_every) {}

  struct Due {
    bool input = false;  // the inputs' key changed
    bool model = false;  // the model's weights changed
    std::shared_ptr<const dae::ModelSnapshot> snap;  // when either did: the model now (null: none)
    explicit operator bool() const { return input || model; }
  };
  // Looks at both memos every time (the model's too when the inputs changed).
  Due due(const dae::Session& s, double now, const std::string& inputs) {
    Due d;
    d.input = input_.update(inputs);
    d.model = model_.update(s.model_revision(), now, s.training() ? model_every_ : 0);
    if (d) d.snap = s.snapshot();
    return d;
  }
  void force() { input_.force(); }  // the next due() is true

 private:
  Memo<std::string> input_;
  Memo<uint64_t> model_;
  double model_every_;
};

// Runs compute(snapshot, ctx) on the helper in `slot` (a newer job replaces one not yet started)
// and apply(what it returned) on the page's thread at the start of a later frame (take_work,
// which also prints what compute throws). The job holds the snapshot; the result does not.
template <class Compute, class Apply>
void offload(dae::Offload& work, int slot, std::shared_ptr<const dae::ModelSnapshot> snap, Compute compute,
             Apply apply) {
  work.submit(slot, [snap = std::move(snap), compute = std::move(compute),
                     apply = std::move(apply)](dae::Context& ctx) -> dae::Offload::Apply {
    return [apply, result = compute(*snap, ctx)]() mutable { apply(std::move(result)); };
  });
}

}  // namespace app
