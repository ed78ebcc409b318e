#!/usr/bin/env bash
# How fast the page trains: headless Chromium with 1 and 2 trainer threads against
# `node build/wasm/dae.js bench --threads 2`, interleaved (bench/page.mjs). Builds the wasm
# preset first unless --no-build. Run it on a quiet machine (not while building or testing).
#   bench/page.sh [--no-build] [--rounds N] [--train N] [--epochs N]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --no-build ]; then shift; else
  [ -f build/wasm/build.ninja ] || cmake --preset wasm >/dev/null
  cmake --build --preset wasm >/dev/null
fi
exec node bench/page.mjs "$@"
