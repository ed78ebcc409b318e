// libFuzzer harness: a .daepack dataset (header checks, budget, streaming inflate, split).
#include <cstddef>
#include <cstdint>

#include "data/data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const dae::Dataset ds = dae::load_pack_bytes(data, size, "fuzz.daepack");
    dae::ImageSet train, val;
    dae::make_split(ds, 0, 0, train, val);
  } catch (const dae::Error&) {
  }
  return 0;
}
