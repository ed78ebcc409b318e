#!/usr/bin/env bash
# Runs every test on a fresh Debian 12 machine (README command 2, and CI):
#   1. tools/setup.sh (apt packages, npm, Debian sources of ImGui and SDL2) + test-only extras;
#   2. native build: the GoogleTest suite (layers, losses, trainer, data, model files, CLI, …),
#      then again as a fresh clone without ../shared (preset fresh-clone: the bundled DHCD subset);
#   3. wasm build: the same suite compiled to WebAssembly, run under node, then the browser
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
# (an independent SSIM reference). Never needed to build or run dae.
if [ "$(id -u)" -eq 0 ]; then
  extras=()
  for p in python3-torch python3-numpy; do
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

# The same suite as a fresh clone sees it: DAE_DHCD_DIR points nowhere, so the build bundles
# the DHCD subset committed in assets/ and `dae train --dataset dhcd` must work from it (tests
# that need the full set skip).
step "native, as a fresh clone without the DHCD folder: build"
cmake --preset fresh-clone
cmake --build --preset fresh-clone -j "$JOBS"
step "native, as a fresh clone: tests"
ctest --preset fresh-clone -j "$JOBS"

step "wasm: build"
cmake --preset wasm
cmake --build --preset wasm -j "$JOBS"
step "wasm: core tests under node, then browser tests"
ctest --preset wasm -j "$JOBS"

step "all tests passed"
