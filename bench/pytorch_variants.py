#!/usr/bin/python3
"""Why is bench/pytorch_reference.py slower than a plain PyTorch loop? (issue 30)

Trains `seed` (batch 128, 28×28) with pytorch_reference.py's `throughput` mode in many
variants, each changing one thing from the old reference configuration (and a few combinations),
at 1 and 2 threads, INTERLEAVED: every round runs every variant once per thread count, each in a
fresh process (threads, oneDNN and denormal settings are per process), the order rotated from
round to round. Prints the median samples/s [min–max] of each, its ratio to the reference, and
the fastest honest variant (same model, batch, loss and Keras-form Adam maths) per thread count.
Also samples per CPU-second at one thread: steadier than wall time on a busy machine (a rough
guide only; the table's figures are wall-clock samples/s, as bench/run.sh reports).

Before timing, a check trains every variant 20 steps from the same start on the same random
batches (one thread) and compares its losses with the reference's: a variant whose losses differ
by more than float rounding does not count as honest (plain torch.optim.Adam differs by design).

  /usr/bin/python3 bench/pytorch_variants.py [--rounds 3] [--seconds 4] [--threads "1 2"]
                                             [--only name,name] [--no-check] [--json FILE]
Takes ~(rounds × 5 min) with the defaults. Never run it while anything else builds or tests.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.join(HERE, "pytorch_reference.py")
PY = "/usr/bin/python3"
SAME_MATHS_TOL = 1e-4  # relative: float rounding across layouts / kernels stays far below this

# name, flags (on top of --config reference unless a --config is given), what changes, honest
VARIANTS = [
    ("reference", [], "the old reference: channels-last, KerasAdam (torch._foreach_*), random data, "
     "MaxPool ceil_mode, Sigmoid + BCELoss, 1 s warm-up, 1 interop thread, oneDNN on", True),
    ("nchw", ["--layout", "nchw"], "NCHW (contiguous) instead of channels-last", True),
    ("keras-loop", ["--optim", "keras-loop"], "KerasAdam one tensor at a time (no _foreach)", True),
    ("torch-keras", ["--optim", "torch-keras"], "torch.optim.Adam(foreach) with ε rescaled per step = Keras maths", True),
    ("torch-keras-loop", ["--optim", "torch-keras-loop"], "the same, foreach=False (single-tensor)", True),
    ("torch-adam", ["--optim", "torch"], "plain torch.optim.Adam(eps=1e-7): ε after bias correction (not Keras maths)", False),
    ("mnist", ["--data", "mnist"], "real MNIST digits (noisy 0.5 clipped → clean) instead of uniform random", True),
    ("flush-denormal", ["--flush-denormal", "on"], "torch.set_flush_denormal(True) (dae does not flush)", True),
    ("mnist+flush", ["--data", "mnist", "--flush-denormal", "on"], "both of the above", True),
    ("pool-floor", ["--pool", "floor"], "MaxPool2d(2) without ceil_mode (same shapes on 28×28)", True),
    ("logits", ["--loss", "logits"], "BCEWithLogitsLoss on the logits (same loss, same gradient σ(z)−t)", True),
    ("warmup-0", ["--warmup", "0"], "warm-up of 3 batches only", True),
    ("warmup-5", ["--warmup", "5"], "5 s of warm-up", True),
    ("interop-2", ["--interop", "2"], "2 inter-op threads", True),
    ("interop-default", ["--interop", "0"], "torch's default inter-op threads (not set)", True),
    ("mkldnn-off", ["--mkldnn", "off"], "torch.backends.mkldnn.enabled = False (ATen's own conv kernels)", True),
    ("jit-trace", ["--jit", "trace"], "torch.jit.trace of the model, trained through it", True),
    ("jit-script", ["--jit", "script"], "torch.jit.script of the model, trained through it", True),
    ("plain-loop", ["--layout", "nchw", "--optim", "torch", "--data", "mnist", "--pool", "floor", "--interop", "0"],
     "the issue's plain loop: NCHW, torch.optim.Adam, MNIST, MaxPool2d(2), default interop", False),
    ("plain-loop-keras", ["--layout", "nchw", "--optim", "torch-keras", "--data", "mnist", "--pool", "floor",
                          "--interop", "0"], "the plain loop with the Keras ε (honest)", True),
    ("fast", ["--config", "fast"], "--config fast: channels-last, torch-keras Adam, MaxPool2d(2), BCEWithLogits", True),
    ("fast-nchw", ["--config", "fast-nchw"], "--config fast-nchw: the same in NCHW (run.sh measures both)", True),
    ("fast+mnist", ["--config", "fast", "--data", "mnist"], "fast, on real MNIST digits", True),
]


def run(flags, threads, extra):
    cmd = [PY, REF, "throughput", "--threads", str(threads), *extra, *flags]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip().startswith("{"):
        sys.exit(f"pytorch_variants: failed: {' '.join(cmd)}\n{p.stderr.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def check(variants):
    """Losses of 20 steps on the same random batches, relative to the reference's: {name: max rel diff}."""
    steps = ["--check-steps", "20"]
    ref = run(["--data", "random"], 1, steps)["losses"]
    out = {}
    for name, flags, _, _ in variants:
        r = run(flags + ["--data", "random"], 1, steps)  # data is input, not maths
        out[name] = max(abs(a - b) / abs(b) for a, b in zip(r["losses"], ref))
        print(f"  check {name:20} max relative loss difference over 20 steps: {out[name]:.2e}", flush=True)
    for data in ("random", "mnist"):  # subnormal floats would slow the CPU: are there any?
        d = run(["--data", data], 1, ["--check-steps", "200"])["denormals"]
        print(f"  subnormal float32 values after 200 steps of the reference on {data} data: "
              + ", ".join(f"{k} {n}/{tot}" for k, (n, tot) in d.items()), flush=True)
    return out


def table(variants, results, cpu, threads, diffs):
    med = lambda v: statistics.median(v) if v else float("nan")
    head = f"{'variant':20}" + "".join(f" | {f'{t} thread(s)':>18} {'÷ref':>5}" for t in threads)
    print(f"\n{head} | 1t per CPU-s | same maths | what changes\n" + "-" * (len(head) + 55))
    best = {}
    for name, _, what, honest in variants:
        cells = ""
        for t in threads:
            v = results[name][t]
            ref = med(results["reference"][t]) if "reference" in results else float("nan")
            cells += f" | {med(v):6.0f} [{min(v):.0f}–{max(v):.0f}] {med(v) / ref:5.2f}"
            ok = honest and (diffs is None or diffs[name] <= SAME_MATHS_TOL)
            if ok and med(v) > best.get(t, ("", 0))[1]:
                best[t] = (name, med(v))
        same = "-" if diffs is None else f"{'yes' if diffs[name] <= SAME_MATHS_TOL else 'NO'} {diffs[name]:.0e}"
        c1 = f"{med(cpu[name][1]):12.0f}" if cpu[name].get(1) else f"{'-':>12}"
        print(f"{name:20}{cells} | {c1} | {same:>10} | {what}{'' if honest else ' [not counted]'}")
    return best


def markdown(variants, results, threads, diffs):
    """The same table as bench/README.md's, ready to paste."""
    med = statistics.median
    print("\nfor bench/README.md:\n\n| variant | what changes | flags (`pytorch_reference.py throughput …`) | counted | "
          + " | ".join(f"{t} thread{'s' if t > 1 else ''} | ÷ ref" for t in threads) + " |\n|" + "---|" * (4 + 2 * len(threads)))
    for name, flags, what, honest in variants:
        ok = honest and (diffs is None or diffs[name] <= SAME_MATHS_TOL)
        cells = " | ".join(f"{med(results[name][t]):.0f} [{min(results[name][t]):.0f}–{max(results[name][t]):.0f}] | "
                           f"{med(results[name][t]) / med(results['reference'][t]):.2f}" for t in threads)
        f = f"`{' '.join(flags)}`" if flags else "(`--config reference`)"
        print(f"| `{name}` | {what} | {f} | {'yes' if ok else 'no'} | {cells} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--threads", default="1 2")
    ap.add_argument("--only", help="comma-separated variant names (the reference is always run)")
    ap.add_argument("--no-check", action="store_true", help="skip the same-maths check")
    ap.add_argument("--json", help="also write every measurement here")
    a = ap.parse_args()
    threads = [int(t) for t in a.threads.split()]
    if a.rounds < 1 or not threads:
        sys.exit("pytorch_variants: --rounds must be at least 1 and --threads name one or more counts")
    variants = VARIANTS
    if a.only:
        names = set(a.only.split(",")) | {"reference"}
        unknown = names - {v[0] for v in VARIANTS}
        if unknown:
            sys.exit(f"pytorch_variants: unknown variant(s) {', '.join(sorted(unknown))}")
        variants = [v for v in VARIANTS if v[0] in names]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; load average {open('/proc/loadavg').read().split()[:3]}")
    print(f"{len(variants)} variants × threads {threads} × {a.rounds} rounds of {a.seconds} s, interleaved", flush=True)
    diffs = None if a.no_check else check(variants)
    results = {name: {t: [] for t in threads} for name, *_ in variants}
    cpu = {name: {t: [] for t in threads} for name, *_ in variants}  # samples per CPU-second
    extra = ["--seconds", str(a.seconds), "--no-forward"]
    for r in range(a.rounds):
        order = variants[r % len(variants):] + variants[:r % len(variants)]
        for t in threads:
            for name, flags, _, _ in order:
                out = run(flags, t, extra)
                sps = out["samples_per_s"]
                results[name][t].append(sps)
                cpu[name][t].append(out["samples_per_cpu_s"])
                print(f"  round {r + 1} {t}t {name:20} {sps:7.0f} samples/s", flush=True)
    best = table(variants, results, cpu, threads, diffs)
    markdown(variants, results, threads, diffs)
    flags = {name: f for name, f, *_ in variants}
    for t, (name, v) in sorted(best.items()):
        print(f"fastest honest at {t} thread(s): {name} ({v:.0f} samples/s) — pytorch_reference.py throughput "
              f"{' '.join(flags[name]) or '--config reference'}")
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"results": results, "samples_per_cpu_s": cpu, "same_maths_diff": diffs}, f)


if __name__ == "__main__":
    main()
