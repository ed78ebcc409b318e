// libFuzzer harness: a model file as the page's upload and `dae eval --model` read it —
// safetensors parsing, then the architecture and every tensor checked by Model::from_safetensors.
#include <cstddef>
#include <cstdint>

#include "base/common.h"
#include "nn/model.h"
#include "formats/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const dae::SafeTensors st = dae::parse_safetensors(data, size);
    dae::Model m = dae::Model::from_safetensors(st);
    // A model that loads must run: one forward pass of its own input size.
    std::vector<float> x(m.input_shape().per_image(), 0.5f), y(x.size());
    dae::Context ctx;
    m.predict(x.data(), 1, y.data(), ctx);
  } catch (const dae::Error&) {
  }
  return 0;
}
