#!/usr/bin/env bash
# The Devanagari study (issue 10): every plan in docs/study/*.json, run by `dae sweep`, each
# into study/<plan>/ (runs.csv, cross_noise.csv, figures/, runs/<id>/). Resumable: run it again
# after an interruption and finished runs are skipped. See docs/study/README.md.
#
#   tools/study.sh                 run every plan (about 145 TFLOP of work: ~40–50 min on the
#                                  shared 2-core machine, ~15 min when it is otherwise idle)
#   tools/study.sh --estimate      measure this machine (5 s of `dae bench`) and print each
#                                  plan's remaining work and expected time; trains nothing
#   tools/study.sh depth noise     only these plans
#
# Environment: DAE (the dae binary; default build/native/dae, built if missing), OUT (default
# study/), THREADS (default: all cores).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DAE="${DAE:-$ROOT/build/native/dae}"
OUT="${OUT:-$ROOT/study}"
THREADS="${THREADS:-$(nproc)}"
PLANS=(depth width decoder noise training loss)

estimate=0
selected=()
for arg in "$@"; do
  case "$arg" in
    --estimate) estimate=1 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) [ -f "docs/study/$arg.json" ] || { echo "study.sh: no plan docs/study/$arg.json" >&2; exit 1; }
       selected+=("$arg") ;;
  esac
done
[ ${#selected[@]} -gt 0 ] && PLANS=("${selected[@]}")

if [ ! -x "$DAE" ]; then
  echo "study.sh: building dae"
  cmake --preset native >/dev/null
  cmake --build --preset native --target dae dae_data
fi

if [ "$estimate" = 1 ]; then
  # GFLOP/s of the worksheet model on 32×32 digits, the same operation count the plans' work uses.
  gflops=$("$DAE" bench --arch seed --input 32 --seconds 5 --threads "$THREADS" | tail -1 |
           grep -o '"gflops":[0-9.]*' | cut -d: -f2)
  echo "study.sh: this machine trains at about $gflops GFLOP/s now ($THREADS threads)"
  total=0
  for p in "${PLANS[@]}"; do
    tflop=$("$DAE" sweep --plan "docs/study/$p.json" --out "$OUT/$p" --threads "$THREADS" --dry-run |
            sed -n 's/^work to do: \([0-9.]*\) TFLOP.*/\1/p')
    runs=$("$DAE" sweep --plan "docs/study/$p.json" --out "$OUT/$p" --threads "$THREADS" --dry-run |
           sed -n 's/.*: \([0-9]*\) runs* (\([0-9]*\) finished.*/\1 runs, \2 finished/p')
    awk -v p="$p" -v t="$tflop" -v g="$gflops" -v r="$runs" \
        'BEGIN { printf "  %-9s %-24s %7.2f TFLOP  ~%5.1f min\n", p, r, t, t * 1000 / g / 60 }'
    total=$(awk -v a="$total" -v b="$tflop" 'BEGIN { print a + b }')
  done
  awk -v t="$total" -v g="$gflops" 'BEGIN { printf "  %-9s %-24s %7.2f TFLOP  ~%5.1f min\n", "all", "", t, t * 1000 / g / 60 }'
  exit 0
fi

mkdir -p "$OUT"
for p in "${PLANS[@]}"; do
  printf '\n==== study: %s ====\n' "$p"
  nice -n 10 "$DAE" sweep --plan "docs/study/$p.json" --out "$OUT/$p" --threads "$THREADS" --quiet
done
printf '\nstudy.sh: done; tables and figures in %s/<plan>/ (runs.csv, cross_noise.csv, figures/)\n' "$OUT"
