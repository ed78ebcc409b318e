#!/usr/bin/env bash
# bench/run.sh — dae vs PyTorch training throughput (native and wasm), forward latency, peak memory.
#
#   bench/run.sh [--rounds N] [--seconds S] [--threads "1 2"] [--cases "seed:28 seed:32 deep:28"]
#                [--isa native|avx2] [--torch-configs "fast fast-nchw"] [--no-wasm] [--no-build]
#
# For each case (architecture:input size) and thread count, runs `dae bench` and
# bench/pytorch_reference.py throughput --config NAME for each named torch flag set (default
# `fast` and `fast-nchw`, the fastest configuration doing the same work in both layouts:
# bench/pytorch_variants.py; add `reference` for the pre-issue-30 one) INTERLEAVED, N rounds
# (the machine is shared: interleaving spreads the noise over both sides), plus the wasm engine
# under node on 1 thread (`node build/wasm/dae.js bench`). Reports medians and the ratios
# dae/pytorch (against torch's fastest measured config at the same thread count) and
# wasm/pytorch (against torch on 1 thread), forward latency, and the peak RSS of a real
# `dae train --dataset mnist --epochs 1` under /usr/bin/time -v. --isa avx2 builds dae with
# -march=x86-64-v3 (build/native-avx2) and restricts torch to AVX2 too (ONEDNN_MAX_CPU_ISA=AVX2,
# ATEN_CPU_CAPABILITY=avx2): an AVX2-only CPU such as Zen 3, on any x86-64-v4 machine.
# A report: exits 0 whatever the ratios, non-zero only when something failed to run.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=3
SECONDS_EACH=4
THREADS="1 2"
CASES="seed:28 seed:32 deep:28"
ISA=native
TORCH_CONFIGS="fast fast-nchw"
WASM=1
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --cases) CASES="$2"; shift 2 ;;
    --isa) ISA="$2"; shift 2 ;;
    --torch-configs) TORCH_CONFIGS="$2"; shift 2 ;;
    --no-wasm) WASM=0; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

. bench/common.sh
RSS_TARGET_MB=100
[ -x "$PY" ] || die "$PY not found (PyTorch comes from Debian: apt-get install python3-torch)"
"$PY" -c "import torch" 2>/dev/null || die "$PY cannot import torch (apt-get install python3-torch)"
if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  die "/usr/bin/time (GNU time) is missing: apt-get install time"
fi

case "$ISA" in
  native) build_dae ;;
  avx2)
    build_dae_avx2
    export ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 ;;
  *) die "--isa must be native or avx2" ;;
esac
WASM_NOTE=""
if [ "$WASM" = 1 ]; then
  build_wasm_dae || true
  if [ ! -f "$WASM_DAE" ]; then
    WASM=0
    WASM_NOTE="wasm side skipped: $WASM_DAE could not be built (tools/setup.sh, then cmake --preset wasm)"
  fi
fi

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
RESULTS="$OUT/results.jsonl"

# One measurement: appends {"side":…, "case":…, "threads":…, "round":…, "result": <the tool's JSON>}.
measure() {
  local side="$1" case_="$2" t="$3" r="$4"; shift 4
  local json
  json=$("$@" 2>"$OUT/stderr" | tail -n 1) || { cat "$OUT/stderr" >&2; die "failed: $*"; }
  case "$json" in "{"*) ;; *) cat "$OUT/stderr" >&2; die "no JSON from: $*" ;; esac
  echo "{\"side\":\"$side\",\"case\":\"$case_\",\"threads\":$t,\"round\":$r,\"result\":$json}" >>"$RESULTS"
  printf '  round %d  %-8s %-3s %-22s %s\n' "$r" "$case_" "${t}t" "$side" \
    "$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["samples_per_s"], "samples/s")' "$json")"
}

echo "dae $(git rev-parse --short HEAD 2>/dev/null || echo '?') ($ISA build: $DAE) vs torch $("$PY" -c 'import torch; print(torch.__version__)')" \
     "on $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
     "$([ "$ISA" = avx2 ] && echo '(torch restricted to AVX2)')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   ($ROUNDS rounds × ${SECONDS_EACH}s per side, interleaved)"
[ -n "$WASM_NOTE" ] && echo "$WASM_NOTE"
for r in $(seq 1 "$ROUNDS"); do
  for c in $CASES; do
    arch=${c%%:*} size=${c##*:}
    for t in $THREADS; do
      measure dae "$c" "$t" "$r" "$DAE" bench --threads "$t" --seconds "$SECONDS_EACH" --arch "$arch" --input "$size"
      for tc in $TORCH_CONFIGS; do
        measure "torch-$tc" "$c" "$t" "$r" "$PY" bench/pytorch_reference.py throughput --threads "$t" \
          --seconds "$SECONDS_EACH" --arch "$arch" --input "$size" --config "$tc"
      done
    done
    if [ "$WASM" = 1 ]; then
      measure wasm "$c" 1 "$r" node "$WASM_DAE" bench --threads 1 --seconds "$SECONDS_EACH" --arch "$arch" --input "$size"
    fi
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Peak memory of a real training run (MNIST, seed arch, 8000/2000 images, 1 epoch).
echo "peak RSS: /usr/bin/time -v $DAE train --dataset mnist --epochs 1 …"
/usr/bin/time -v "$DAE" train --dataset mnist --epochs 1 --quiet --out "$OUT/m.safetensors" \
  >"$OUT/train.out" 2>"$OUT/time.txt" || { cat "$OUT/train.out" "$OUT/time.txt" >&2; die "dae train failed"; }
RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$OUT/time.txt")
[ -n "$RSS_KB" ] || die "no 'Maximum resident set size' in /usr/bin/time -v output"
TRAIN_SECS=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): *//p' "$OUT/time.txt")

"$PY" - "$RESULTS" "$RSS_KB" "$RSS_TARGET_MB" "$TRAIN_SECS" "$LOAD_AFTER" "$CASES" "$TORCH_CONFIGS" <<'EOF'
import json, statistics, sys
path, rss_kb, target, wall, load_after, cases = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6].split()
configs = sys.argv[7].split()
rows = [json.loads(l) for l in open(path)]
def vals(side, case, t, key="samples_per_s"):
    return [r["result"][key] for r in rows if r["side"] == side and r["case"] == case and r["threads"] == t]
med = lambda xs: statistics.median(xs) if xs else float("nan")
cell = lambda xs: f"{med(xs):6.0f} [{min(xs):.0f}–{max(xs):.0f}]" if xs else "—"
threads = sorted({r["threads"] for r in rows if r["side"] != "wasm"})
print()
print("training samples/s (batch 128; median of rounds, [min–max]); ratios divide by torch's fastest config")
print(f"{'case':>8} {'thr':>3} | {'dae':>17} | " + " | ".join(f"{'torch ' + tc:>17}" for tc in configs) + f" | {'dae/pytorch':>11}")
print("-" * (50 + 20 * len(configs)))
summary = {}
for c in cases:
    summary[c] = {}
    for t in threads:
        d = vals("dae", c, t)
        tv = {tc: vals(f"torch-{tc}", c, t) for tc in configs}
        best = max(med(v) for v in tv.values())
        ratio = med(d) / best
        summary[c][str(t)] = dict(dae=med(d), **{f"torch_{tc}": med(v) for tc, v in tv.items()}, torch_best=best, ratio=ratio)
        print(f"{c:>8} {t:>3} | {cell(d):>17} | " + " | ".join(f"{cell(v):>17}" for v in tv.values()) + f" | {ratio:>10.2f}x")
wasm_cases = [c for c in cases if vals("wasm", c, 1)]
if wasm_cases:
    print()
    print("wasm engine under node, 1 thread, vs native PyTorch on 1 thread (its fastest config)")
    print(f"{'case':>8} | {'wasm':>17} | {'torch (1 thread)':>17} | {'wasm/pytorch':>12}")
    print("-" * 64)
    for c in wasm_cases:
        w = vals("wasm", c, 1)
        best = summary[c]["1"]["torch_best"] if "1" in summary[c] else float("nan")
        summary[c]["wasm"] = dict(wasm=med(w), ratio=med(w) / best)
        print(f"{c:>8} | {cell(w):>17} | {best:>17.0f} | {med(w) / best:>11.2f}x")
print()
print("single-image forward latency, ms (median of rounds; each round is itself a median of 200 runs), 1 thread")
for c in cases:
    parts = [f"dae {med(vals('dae', c, 1, 'forward_ms')):.3f}"]
    if vals("wasm", c, 1): parts.append(f"wasm {med(vals('wasm', c, 1, 'forward_ms')):.3f}")
    parts += [f"torch {tc} {med(vals(f'torch-{tc}', c, 1, 'forward_ms')):.3f}" for tc in configs]
    print(f"  {c:>8}: " + "   ".join(parts))
rss_mb = rss_kb / 1024
print()
print(f"peak RSS of `dae train --dataset mnist --epochs 1` (8000/2000 images): {rss_mb:.1f} MB "
      f"(target < {target:.0f} MB: {'met' if rss_mb < target else 'NOT met'}); wall {wall}")
print(f"dae bench's own peak RSS (synthetic 512 images): {med([r['result']['peak_rss_mb'] for r in rows if r['side'] == 'dae']):.1f} MB")
print(f"load average after: {load_after}")
def rounded(v):
    if isinstance(v, dict): return {k: rounded(x) for k, x in v.items()}
    return round(v, 3) if isinstance(v, float) else v
print(json.dumps({"throughput": rounded(summary), "train_peak_rss_mb": round(rss_mb, 1)}))
EOF
