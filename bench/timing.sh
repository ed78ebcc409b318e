#!/usr/bin/env bash
# The timing stories (ctest label `perf`: e2e_smooth, e2e_progress) with their targets asserted
# (DAE_PERF=1), plus e2e_hosting's frame bound. Run on a quiet machine, nothing else building or
# testing: they measure time. Needs the wasm build (cmake --preset wasm && cmake --build --preset wasm).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DAE_PERF=1
ctest --preset wasm-perf
ctest --preset wasm -R '^e2e_hosting$'
