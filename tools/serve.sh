#!/usr/bin/env bash
# Builds the browser app and serves it: http://127.0.0.1:${PORT:-8080}/
#   tools/serve.sh            (PORT=9000 tools/serve.sh for another port)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-8080}"

tools/setup.sh
cmake --preset wasm -DDAE_WASM_FALLBACK=ON  # the site whole, also after tools/test.sh (which leaves it out)
cmake --build --preset wasm

echo "Serving the app at http://127.0.0.1:${PORT}/ (Ctrl-C to stop)"
exec python3 tools/serve.py --port "$PORT" --dir "$ROOT/build/wasm/site"
