#!/usr/bin/env bash
# bench/best.sh — is preset `best` a better default than `seed`? (issue 10)
#
# Trains `seed` with the CLI's defaults (10 epochs, batch 128, lr 0.001, the worksheet's
# settings) and `best` with its own settings (Preset::training) on Devanagari, Gaussian 0.5,
# 6,000 training / 1,000 validation images (the bundled subset holds that many), side by side in one
# `dae sweep` — seed and best alternate, one pair per seed — and prints validation PSNR / SSIM,
# wall-clock seconds, and the two numbers the target is about: best − seed in dB (target ≥ 1.0)
# and best's time / seed's (target ≤ 1.0).
#
#   bench/best.sh [--seeds "0 1"] [--threads N] [--no-build] [--wasm]
#
# --wasm also trains one pair (seed 0) with the page's engine, `node build/wasm/dae.js train`,
# one thread. A report: exits 0 whatever the numbers; non-zero only when something fails to run.
# Never run it while anything else is building or testing: the time ratio is the point.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

seeds="0 1"
threads=$(nproc)
wasm=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --wasm) wasm=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown option $1 (--help)" ;;
  esac
done
build_dae

out=$(mktemp -d /tmp/dae-best.XXXXXX)
trap 'rm -rf "$out"' EXIT
runs=""
for s in $seeds; do runs="$runs{\"arch\": \"seed\", \"seed\": $s}, {\"arch\": \"best\", \"seed\": $s}, "; done
cat > "$out/plan.json" <<EOF
{"name": "best-vs-seed",
 "settings": {"dataset": "dhcd", "noise": "gaussian:0.5", "train": 6000, "val": 1000},
 "runs": [${runs%, }]}
EOF
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $threads threads"
"$DAE" sweep --plan "$out/plan.json" --out "$out/sweep" --threads "$threads" --quiet --no-figures \
  | grep -E '^(dataset|\[)' || true
[ -f "$out/sweep/runs.csv" ] || die "dae sweep wrote no runs.csv"

"$PY" - "$out/sweep/runs.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for r in rows:
    name = "seed" if r["params"] == "74497" or r["label"].startswith("arch=seed") else "best"
    by.setdefault(name, []).append(r)
print(f"\n{'preset':8}{'seed':>5}{'epochs':>8}{'batch':>7}{'lr':>8}{'params':>9}{'PSNR dB':>10}{'SSIM':>8}{'noisy dB':>10}{'seconds':>9}")
for name in ("seed", "best"):
    for r in by.get(name, []):
        print(f"{name:8}{r['seed']:>5}{r['epochs']:>8}{r['batch']:>7}{float(r['lr']):>8g}{int(r['params']):>9,}"
              f"{float(r['val_psnr']):>10.2f}{float(r['val_ssim']):>8.3f}{float(r['noisy_psnr']):>10.2f}{float(r['seconds']):>9.1f}")
if len(by.get("seed", [])) != len(by.get("best", [])) or not by.get("seed"):
    sys.exit("best.sh: the sweep did not finish every pair")
mean = lambda name, k: sum(float(r[k]) for r in by[name]) / len(by[name])
dp = mean("best", "val_psnr") - mean("seed", "val_psnr")
ds = mean("best", "val_ssim") - mean("seed", "val_ssim")
tr = mean("best", "seconds") / mean("seed", "seconds")
print(f"\nbest - seed: {dp:+.2f} dB PSNR, {ds:+.3f} SSIM (mean over {len(by['seed'])} seed(s)); "
      f"wall time best / seed: {tr:.2f}")
print(f"target (>= +1.0 dB at <= 1.0x the time): {'met' if dp >= 1.0 and tr <= 1.0 else 'NOT met'}")
EOF

if [ "$wasm" = 1 ]; then
  if build_wasm_dae; then
    echo
    echo "wasm engine (node $WASM_DAE train, 1 thread, seed 0):"
    declare -A secs psnr
    for arch in seed best; do
      t0=$(date +%s.%N)
      line=$(node "$WASM_DAE" train --dataset dhcd --arch "$arch" --noise gaussian:0.5 --train 6000 --val 1000 --threads 1 --quiet \
               --out "$out/$arch.safetensors" | tail -1)
      t1=$(date +%s.%N)
      secs[$arch]=$(echo "$t1 - $t0" | bc)
      psnr[$arch]=$(echo "$line" | sed -n 's/.*val_psnr \([0-9.]*\) dB.*/\1/p')
      printf '  %-5s %6.1f s  %s\n' "$arch" "${secs[$arch]}" "$line"
    done
    printf 'wasm: best - seed: %+.2f dB PSNR; wall time best / seed: %.2f\n' \
      "$(echo "${psnr[best]} - ${psnr[seed]}" | bc)" "$(echo "scale=4; ${secs[best]} / ${secs[seed]}" | bc)"
  fi
fi
