// libFuzzer harness: core/json's strict parser. Any input either parses (and then dumps and
// re-parses to the same value) or throws dae::Error; nothing else may happen.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const dae::Json j = dae::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
    const dae::Json again = dae::parse_json(dae::dump_json(j));
    if (again != j) __builtin_trap();
  } catch (const dae::Error&) {
  }
  return 0;
}
