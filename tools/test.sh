#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine (README command 2, and CI):
#   1. tools/setup.sh (apt packages, npm, Debian sources) + test-only extras;
#   2. native build: the GoogleTest suite (layers, losses, trainer, data, model files, CLI, …);
#   3. asan build: the same suite under AddressSanitizer + UndefinedBehaviorSanitizer (clang-15),
#      built as a fresh clone sees it (no ../shared DHCD folder: the bundled subset is used);
#   4. tsan build: the session, trainer and offload tests (background training threads, the
#      page's model-work helper) under ThreadSanitizer;
#   5. fuzz build: every libFuzzer harness (tests/fuzz) for a few seconds from its seed corpus;
#   6. wasm build: the same suite compiled to WebAssembly, run under node, then the browser
#      end-to-end tests in headless Chromium (tests/e2e).
# Exits non-zero on the first failure.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-$(nproc)}"

step() { printf '\n==== %s ====\n' "$*"; }

step "setup"
tools/setup.sh
# Test-only: PyTorch (model files must load into the equivalent torch.nn.Sequential) and numpy
# (an independent SSIM reference); clang-15 with libFuzzer and its sanitizer runtimes, and
# llvm-15 (llvm-symbolizer, for readable sanitizer reports). Never needed to build or run dae.
if [ "$(id -u)" -eq 0 ]; then
  extras=()
  for p in python3-torch python3-numpy clang-15 libfuzzer-15-dev llvm-15; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || extras+=("$p")
  done
  if [ ${#extras[@]} -gt 0 ]; then
    echo "test.sh: installing test-only packages: ${extras[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${extras[@]}" >/dev/null
  fi
fi

step "native: build"
cmake --preset native
cmake --build --preset native -j "$JOBS"
step "native: tests"
ctest --preset native -j "$JOBS"

step "asan: build (ASan + UBSan, clang-15)"
cmake --preset asan
cmake --build --preset asan -j "$JOBS"
step "asan: native tests under the sanitizers"
ctest --preset asan -j "$JOBS"

step "tsan: build (ThreadSanitizer, clang-15)"
cmake --preset tsan
cmake --build --preset tsan -j "$JOBS"
step "tsan: session, trainer and offload tests"
ctest --preset tsan -j "$JOBS"

step "fuzz: build the libFuzzer harnesses"
cmake --preset fuzz
cmake --build --preset fuzz -j "$JOBS"
step "fuzz: a short run of every harness (tests/fuzz/smoke.sh)"
ctest --preset fuzz

step "wasm: build"
cmake --preset wasm
cmake --build --preset wasm -j "$JOBS"
step "wasm: core tests under node, then browser tests"
ctest --preset wasm -j "$JOBS"

step "all tests passed"
