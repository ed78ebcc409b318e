// libFuzzer harness: the --arch spec grammar (parse_spec, format_spec, Model::build) at a few
// input sizes; a spec that builds must round-trip through its canonical text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/common.h"
#include "nn/model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string spec(reinterpret_cast<const char*>(data), size);
  try {
    const auto rows = dae::parse_spec(spec);
    (void)dae::format_spec(rows);
  } catch (const dae::Error&) {
  }
  for (int side : {8, 13, 28}) {
    try {
      const dae::Model m = dae::Model::build(spec, 1, side, side);
      const dae::Model again = dae::Model::build(m.spec(), 1, side, side);
      if (again.spec() != m.spec() || again.num_params() != m.num_params()) __builtin_trap();
    } catch (const dae::Error&) {
    }
  }
  return 0;
}
