// libFuzzer harness: sweep plans (plan.json of `dae sweep --plan`, and the plan.json a sweep
// folder keeps). Any input either is a plan — which expands to at most kMaxSweepRuns runs or
// is refused, and whose JSON reads back as the same plan — or throws dae::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/common.h"
#include "study/sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (size_t(1) << 20)) return 0;
  dae::SweepPlan plan;
  try {
    plan = dae::SweepPlan::from_json(dae::parse_json(std::string_view(reinterpret_cast<const char*>(data), size)));
  } catch (const dae::Error&) {
    return 0;
  }
  const dae::Json j = plan.to_json();
  if (dae::SweepPlan::from_json(j).to_json() != j) __builtin_trap();  // a plan's own JSON is a plan
  try {
    const auto runs = dae::expand(plan, dae::TrainConfig{});
    if (runs.empty() || runs.size() > dae::kMaxSweepRuns) __builtin_trap();
    (void)dae::varying_keys(runs);
  } catch (const dae::Error&) {
  }
  return 0;
}
