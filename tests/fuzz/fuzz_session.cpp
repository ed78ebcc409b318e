// libFuzzer harness: the page's saved session (state.json: Session::load_state, what a reload
// reads back from IndexedDB). Any input either loads — and then saves and loads again to the
// same text — or throws dae::Error and leaves the session as it was.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/session.h"
#include "base/common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (size_t(1) << 20)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  dae::Session s;
  const std::string empty = s.save_state();
  try {
    s.load_state(text);
  } catch (const dae::Error&) {
    if (s.save_state() != empty) __builtin_trap();  // a refused load changed the session
    return 0;
  }
  const std::string saved = s.save_state();
  dae::Session t;
  t.load_state(saved);  // what was saved loads: throwing here is a finding
  if (t.save_state() != saved) __builtin_trap();
  return 0;
}
