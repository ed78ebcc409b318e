// libFuzzer harness: a sweep folder's files of one run, as `dae sweep` reads them to decide
// whether the run is finished: result.json (read_result) and cross_noise.json (cross_from_json).
// The input is the two files separated by a NUL byte. With the first byte odd, result.json's
// "id" and "identity" are set to the run's own, so that the fuzzer reaches what follows them.
// Any input gives a result or nothing; a result has a non-empty history.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "base/common.h"
#include "formats/io.h"
#include "study/sweep.h"

namespace {

const dae::ResolvedRun& the_run() {
  static const dae::ResolvedRun run = [] {
    dae::Dataset ds;
    ds.name = "fuzz";
    ds.train.h = ds.train.w = 8;
    for (int i = 0; i < 8; ++i) {
      const std::vector<uint8_t> img(64, uint8_t(30 * i));
      ds.train.append(img.data(), uint8_t(i % 10));
    }
    dae::SweepPlan plan;
    plan.settings = {{"dataset", "fuzz"}, {"arch", "conv2 | conv1:sigmoid"}, {"epochs", 2}, {"train", 4}, {"val", 2}};
    return dae::resolve_run(dae::expand(plan, dae::TrainConfig{})[0], ds, dae::dataset_fingerprint(ds));
  }();
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (size_t(1) << 20)) return 0;
  const std::string in(reinterpret_cast<const char*>(data), size);
  const size_t cut = in.find('\0');
  std::string result = in.substr(0, cut), cross = cut == std::string::npos ? "" : in.substr(cut + 1);
  const dae::ResolvedRun& run = the_run();
  if (!result.empty() && (result[0] & 1)) {
    try {
      dae::Json j = dae::parse_json(result.substr(1));
      if (j.is_object()) {
        j["id"] = run.id;
        j["identity"] = run.identity;
        result = dae::dump_json(j);
      }
    } catch (const dae::Error&) {
    }
  }
  static const std::string path = "/tmp/dae-fuzz-sweep-run-" + std::to_string(getpid()) + ".json";
  dae::write_file(path, result.data(), result.size());
  const auto r = dae::read_result(path, run);
  if (r && r->history.empty()) __builtin_trap();
  try {
    const dae::Json c = dae::parse_json(cross);
    for (const char* noise : {"gaussian:0.5", "sp:0.1"}) (void)dae::cross_from_json(c, run.id, dae::Noise::parse(noise));
  } catch (const dae::Error&) {
  }
  return 0;
}
