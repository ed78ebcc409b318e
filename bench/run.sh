#!/usr/bin/env bash
# bench/run.sh — dae vs PyTorch training throughput, forward latency and dae's peak memory.
#
#   bench/run.sh [--rounds N] [--seconds S] [--threads "1 2"] [--no-build]
#
# For each thread count, runs `dae bench` and bench/pytorch_reference.py throughput (NCHW and
# channels-last) INTERLEAVED, N rounds (the machine is shared: interleaving spreads the noise
# over both sides), and reports medians, the dae/pytorch ratio (against torch's faster layout),
# forward latency, and the peak RSS of a real `dae train --dataset mnist --epochs 1` run under
# /usr/bin/time -v vs the 200 MB target. A report: exits 0 whatever the ratio, non-zero only
# when something failed to run.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=3
SECONDS_EACH=5
THREADS="1 2"
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

. bench/common.sh
RSS_TARGET_MB=200
[ -x "$PY" ] || die "$PY not found (PyTorch comes from Debian: apt-get install python3-torch)"
"$PY" -c "import torch" 2>/dev/null || die "$PY cannot import torch (apt-get install python3-torch)"
if [ ! -x /usr/bin/time ] || ! /usr/bin/time -v true >/dev/null 2>&1; then
  die "/usr/bin/time (GNU time) is missing: apt-get install time"
fi

build_dae

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
RESULTS="$OUT/results.jsonl"

# One measurement: appends {"side":…, "threads":…, "round":…, <the tool's JSON>} to RESULTS.
measure() {
  local side="$1" t="$2" r="$3"; shift 3
  local json
  json=$("$@" 2>"$OUT/stderr" | tail -n 1) || { cat "$OUT/stderr" >&2; die "failed: $*"; }
  case "$json" in "{"*) ;; *) cat "$OUT/stderr" >&2; die "no JSON from: $*" ;; esac
  echo "{\"side\":\"$side\",\"threads\":$t,\"round\":$r,\"result\":$json}" >>"$RESULTS"
  printf '  round %d  %-22s %s\n' "$r" "$side" \
    "$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["samples_per_s"], "samples/s")' "$json")"
}

echo "dae $(git rev-parse --short HEAD 2>/dev/null || echo '?') vs torch $("$PY" -c 'import torch; print(torch.__version__)')" \
     "on $(nproc) CPU(s): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   ($ROUNDS rounds × ${SECONDS_EACH}s per side, interleaved)"
for t in $THREADS; do
  echo "threads $t:"
  for r in $(seq 1 "$ROUNDS"); do
    measure dae "$t" "$r" "$DAE" bench --threads "$t" --seconds "$SECONDS_EACH"
    measure torch-nchw "$t" "$r" "$PY" bench/pytorch_reference.py throughput --threads "$t" \
      --seconds "$SECONDS_EACH" --layout nchw
    measure torch-channels-last "$t" "$r" "$PY" bench/pytorch_reference.py throughput --threads "$t" \
      --seconds "$SECONDS_EACH" --layout channels-last
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

"$PY" - "$RESULTS" "$RSS_KB" "$RSS_TARGET_MB" "$TRAIN_SECS" "$LOAD_AFTER" <<'EOF'
import json, statistics, sys
path, rss_kb, target, wall, load_after = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = [json.loads(l) for l in open(path)]
threads = sorted({r["threads"] for r in rows})
def vals(side, t, key):
    return [r["result"][key] for r in rows if r["side"] == side and r["threads"] == t]
med = lambda xs: statistics.median(xs) if xs else float("nan")
print()
print("training samples/s (batch 128, 28×28, seed arch; median of rounds, [min–max])")
print(f"{'threads':>7} | {'dae':>18} | {'torch NCHW':>18} | {'torch channels-last':>19} | {'dae/pytorch':>11}")
print("-" * 86)
summary = {}
for t in threads:
    d, n, c = vals("dae", t, "samples_per_s"), vals("torch-nchw", t, "samples_per_s"), vals("torch-channels-last", t, "samples_per_s")
    best = max(med(n), med(c))
    ratio = med(d) / best
    summary[t] = dict(dae=med(d), torch_nchw=med(n), torch_cl=med(c), ratio=ratio)
    cell = lambda xs: f"{med(xs):7.0f} [{min(xs):.0f}–{max(xs):.0f}]"
    print(f"{t:>7} | {cell(d):>18} | {cell(n):>18} | {cell(c):>19} | {ratio:>10.2f}x")
print("(dae/pytorch = dae median / the faster torch layout's median; > 1 means dae is faster)")
print()
print("single-image forward latency, ms (median of rounds; each round is itself a median of 200 runs)")
for t in threads:
    print(f"  threads {t}: dae {med(vals('dae', t, 'forward_ms')):.3f}   torch NCHW {med(vals('torch-nchw', t, 'forward_ms')):.3f}"
          f"   torch channels-last {med(vals('torch-channels-last', t, 'forward_ms')):.3f}")
rss_mb = rss_kb / 1024
print()
print(f"peak RSS of `dae train --dataset mnist --epochs 1` (8000/2000 images): {rss_mb:.1f} MB "
      f"(target < {target:.0f} MB: {'met' if rss_mb < target else 'NOT met'}); wall {wall}")
print(f"dae bench's own peak RSS (synthetic 512 images): {med([r['result']['peak_rss_mb'] for r in rows if r['side'] == 'dae']):.1f} MB")
print(f"load average after: {load_after}")
print(json.dumps({"throughput": {str(t): {k: round(v, 2) for k, v in s.items()} for t, s in summary.items()},
                  "train_peak_rss_mb": round(rss_mb, 1)}))
EOF
