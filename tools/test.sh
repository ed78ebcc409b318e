#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine (README command 2, and CI):
#   1. tools/setup.sh (apt packages, npm, Debian sources) + test-only extras;
#   2. asan build: the native suite (layers, losses, trainer, data, model files, CLI, the PyTorch
#      checks, the rooms check, …) under AddressSanitizer + UndefinedBehaviorSanitizer (clang-15,
#      -march=native: the AVX2/AVX-512 kernels this CPU runs), built as a fresh clone sees it (no
#      ../shared DHCD folder: the bundled subset is used), and every libFuzzer harness
#      (tests/fuzz) for a few seconds from its seed corpus;
#   3. tsan build: the session, trainer and offload tests (background training threads, the
#      page's model-work helper) under ThreadSanitizer, built alone (DAE_TEST_FILES);
#   4. wasm build: the same suite compiled to WebAssembly, run under node (one process per test
#      file), and the browser end-to-end tests in headless Chromium (tests/e2e), two at a time.
# The sanitizer trees build at -O1 with line tables only, the test files natively at -O0: the
# sanitizers catch the same, the build takes half the time.
# Toward CI's 15 minutes on 2 cores (863 s after setup on a fresh clone of d8a26d3 on a 2 vCPU
# Xeon with AVX-512; 1,515 s on a 2 vCPU EPYC for fd9417b; the target is 900), three things run only with --all (each repeats what the default run covers in
# another form): the plain native build (gcc, -O2) and its suite, the page's single-threaded
# fallback build (e2e_hosting then checks it) and the timing stories.
# Prints the time of each stage and a summary at the end. Exits non-zero on the first failure.
#
# Usage: tools/test.sh [--all]
#   --all   also the plain native build and suite (first), the page's single-threaded fallback
#           (built, and checked by e2e_hosting), and the timing stories (ctest label `perf`:
#           e2e_smooth, e2e_progress) with their targets asserted (DAE_PERF=1), one at a time
#           after everything else: benchmarks, meaningful on a quiet machine only
#           (bench/timing.sh runs them alone)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-$(nproc)}"

all=0
for arg in "$@"; do
  case "$arg" in
    --all) all=1 ;;
    *) echo "test.sh: unknown option $arg (see the header of $0)" >&2; exit 2 ;;
  esac
done

# step NAME: starts a stage (and ends the previous one, printing its time).
stage_name=""; stage_start=0; summary=""; run_start=$(date +%s)
end_stage() {
  if [ -n "$stage_name" ]; then
    local secs=$(( $(date +%s) - stage_start ))
    printf '==== %s: %d:%02d ====\n' "$stage_name" $((secs / 60)) $((secs % 60))
    summary+=$(printf '%6d s  %s' "$secs" "$stage_name")$'\n'
  fi
  stage_name=""
}
step() {
  end_stage
  stage_name="$*"; stage_start=$(date +%s)
  printf '\n==== %s ====\n' "$*"
}

print_times() {
  local total=$(( $(date +%s) - run_start )) setup_s
  setup_s=$(printf '%s' "$summary" | awk '$3 == "setup" {print $1}')
  printf '\n==== stage times ====\n%s%6d s  in all (%d s after setup)\n' "$summary" "$total" \
         $(( total - ${setup_s:-0} ))
}
on_exit() {
  local rc=$?
  if [ $rc -ne 0 ]; then
    local failed="$stage_name"
    end_stage; print_times
    echo "test.sh: FAILED in stage: $failed (exit $rc)"
  fi
}
trap on_exit EXIT

step "setup"
tools/setup.sh
# Test-only: PyTorch (model files must load into the equivalent torch.nn.Sequential; `dae code`'s
# PyTorch code must reproduce dae's outputs) and numpy (an independent SSIM reference); scikit-learn (PCA, t-SNE and kNN references of `dae latent`); nbformat,
# nbclient, ipykernel and nbconvert (`dae notebook` must validate, run and render); clang-15 with
# libFuzzer and its sanitizer runtimes, and llvm-15 (llvm-symbolizer, for readable sanitizer
# reports). Never needed to build or run dae.
if [ "$(id -u)" -eq 0 ]; then
  extras=()
  for p in python3-torch python3-numpy python3-sklearn python3-nbformat python3-nbclient python3-ipykernel jupyter-nbconvert \
           clang-15 libfuzzer-15-dev llvm-15; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || extras+=("$p")
  done
  if [ ${#extras[@]} -gt 0 ]; then
    echo "test.sh: installing test-only packages: ${extras[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${extras[@]}" >/dev/null
  fi
fi

if [ "$all" = 1 ]; then
  step "native: build (gcc, -O2)"
  cmake --preset native
  cmake --build --preset native -j "$JOBS"
  step "native: tests"
  ctest --preset native -j "$JOBS"
fi

step "asan: build (ASan + UBSan, clang-15; with the fuzz harnesses)"
cmake --preset asan
cmake --build --preset asan -j "$JOBS"
step "asan: native tests and a short run of every fuzz harness, under the sanitizers"
ctest --preset asan -j "$JOBS"

step "tsan: build (ThreadSanitizer, clang-15)"
cmake --preset tsan
cmake --build --preset tsan -j "$JOBS"
step "tsan: session, trainer and offload tests"
ctest --preset tsan -j "$JOBS"

step "wasm: build"
# The page's single-threaded fallback (dae_app_st) is a second build of everything the page
# links (a third of the wasm build): only with --all (e2e_hosting checks it when it is there).
fallback=OFF; [ "$all" = 1 ] && fallback=ON
cmake --preset wasm -DDAE_WASM_FALLBACK=$fallback
cmake --build --preset wasm -j "$JOBS"
step "wasm: core tests under node, then browser tests"
ctest --preset wasm -j "$JOBS"

if [ "$all" = 1 ]; then
  step "wasm: the timing stories (perf), targets asserted"
  DAE_PERF=1 ctest --preset wasm-perf
fi

end_stage
print_times
echo "all tests passed"
