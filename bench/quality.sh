#!/usr/bin/env bash
# bench/quality.sh — does dae train as well as PyTorch on identical data?
#
#   bench/quality.sh [--epochs N] [--torch-seeds K] [--no-build]
#
# 1. `dae export` writes the exact arrays a default run sees (MNIST, gaussian:0.5 noise,
#    8000 train / 2000 val, seed 0) to build/bench-export;
# 2. `dae train` trains the seed arch on them (batch 128, Adam lr 1e-3, BCE, N epochs);
# 3. bench/pytorch_reference.py quality trains the same network with the same settings on the
#    exported files, for K init/shuffle seeds (default 3: the seed-to-seed spread is the yardstick);
# and prints both final validation BCEs and their relative difference vs the 2 % target.
# Exits 0 whatever the difference; non-zero only when something failed to run.
set -euo pipefail
cd "$(dirname "$0")/.."

EPOCHS=10
TORCH_SEEDS=3
BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --torch-seeds) TORCH_SEEDS="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "quality.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

. bench/common.sh
EXPORT=build/bench-export
OUTDIR=build/bench-quality
"$PY" -c "import torch, numpy" 2>/dev/null || die "$PY cannot import torch and numpy (apt-get install python3-torch)"
build_dae
mkdir -p "$OUTDIR"

echo "== dae export"
"$DAE" export --dataset mnist --noise gaussian:0.5 --train 8000 --val 2000 --seed 0 --out "$EXPORT" || die "dae export failed"

echo "== dae train ($EPOCHS epochs)"
"$DAE" train --dataset mnist --noise gaussian:0.5 --train 8000 --val 2000 --seed 0 --epochs "$EPOCHS" \
  --batch 128 --lr 1e-3 --out "$OUTDIR/dae.safetensors" --history "$OUTDIR/dae_history.csv" || die "dae train failed"

for s in $(seq 0 $((TORCH_SEEDS - 1))); do
  echo "== torch quality, seed $s ($EPOCHS epochs)"
  "$PY" bench/pytorch_reference.py quality "$EXPORT" --epochs "$EPOCHS" --seed "$s" \
    --history "$OUTDIR/torch_history_seed$s.csv" | tee "$OUTDIR/torch_seed$s.log" || die "torch quality failed"
done

"$PY" - "$OUTDIR" "$TORCH_SEEDS" "$EPOCHS" <<'EOF'
import csv, json, statistics, sys
out, k, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
dae = list(csv.DictReader(open(f"{out}/dae_history.csv")))[-1]
torch = [json.loads(open(f"{out}/torch_seed{s}.log").read().strip().splitlines()[-1]) for s in range(k)]
d = float(dae["val_loss"])
tl = [r["val_loss"] for r in torch]
tm = statistics.mean(tl)
rel = (d - torch[0]["val_loss"]) / torch[0]["val_loss"]
rel_mean = (d - tm) / tm
print()
print(f"final validation BCE after {epochs} epochs (2000 val images, identical data):")
print(f"  dae                {d:.6f}   val_psnr {float(dae['val_psnr']):.2f} dB   train_loss {float(dae['train_loss']):.6f}   {sum(float(r['seconds']) for r in csv.DictReader(open(f'{out}/dae_history.csv'))):.1f} s")
for s, r in enumerate(torch):
    print(f"  torch seed {s}       {r['val_loss']:.6f}   val_psnr {r['val_psnr']:.2f} dB   train_loss {r['train_loss']:.6f}   {r['seconds']:.1f} s"
          f"   (logit form {r['val_loss_logits']:.6f})")
if k > 1:
    print(f"  torch mean ± sd    {tm:.6f} ± {statistics.stdev(tl):.6f}  (range {min(tl):.6f}–{max(tl):.6f}, "
          f"spread {100 * (max(tl) - min(tl)) / tm:.2f} %)")
print(f"relative difference dae vs torch seed 0: {100 * rel:+.2f} %"
      + (f";  vs torch mean: {100 * rel_mean:+.2f} %" if k > 1 else "")
      + f"   (target |diff| ≤ 2 %: {'met' if abs(rel if k == 1 else rel_mean) <= 0.02 else 'NOT met'})")
print("(+ means dae's loss is higher, i.e. worse)")
print(json.dumps({"epochs": epochs, "dae_val_loss": d, "torch_val_loss": tl, "rel_diff_seed0": round(rel, 5),
                  "rel_diff_mean": round(rel_mean, 5)}))
EOF
