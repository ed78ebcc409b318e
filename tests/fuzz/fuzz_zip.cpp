// libFuzzer harness: a .zip dataset as `dae train --dataset x.zip` and the page's import read it
// (ZIP directory, entries, inflate, class folders, PNG decoding, the dataset budget).
#include <cstddef>
#include <cstdint>

#include "data/data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dae::load_zip_bytes(data, size, "fuzz.zip");
  } catch (const dae::Error&) {
  }
  return 0;
}
