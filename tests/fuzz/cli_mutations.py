#!/usr/bin/env python3
"""Mutation testing of the command-line tool: runs `dae` (best the asan build) with many
random, mostly wrong, argument lists and files, and fails on anything but a clean exit.

A run passes when it exits 0 or 1 (130 for an interrupted run), prints no sanitizer report,
and — when it fails — says so in one `dae: error: …` line on stderr. Anything else (a signal,
a sanitizer report, another exit code, a multi-line or missing error, a hang past --timeout)
is a finding: the command is printed and the script exits 1.

  tests/fuzz/cli_mutations.py [--dae build/asan/dae] [--runs 10000] [--seed 1] [--timeout 30]

The inputs are tiny (8×8 images) so that even a mutated `train --epochs 10000` ends quickly.
"""

import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def png(w, h, pixels):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(pixels[y * w:(y + 1) * w]) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_inputs(d, dae):
    """Small valid and broken files in d; returns the pools the mutator picks from."""
    rnd = random.Random(7)
    tiny = os.path.join(d, "tiny")
    for split, n in (("train", 12), ("test", 4)):
        for k in range(2):
            os.makedirs(os.path.join(tiny, split, str(k)), exist_ok=True)
            for i in range(n):
                with open(os.path.join(tiny, split, str(k), f"{i}.png"), "wb") as f:
                    f.write(png(8, 8, [rnd.randrange(256) for _ in range(64)]))
    with zipfile.ZipFile(os.path.join(d, "tiny.zip"), "w") as z:
        for root, _, files in os.walk(tiny):
            for name in files:
                p = os.path.join(root, name)
                z.write(p, os.path.relpath(p, d))
    model = os.path.join(d, "m8.safetensors")
    r = subprocess.run([dae, "train", "--dataset", tiny, "--arch", "conv4 | conv1:sigmoid", "--epochs", "1",
                        "--val", "0", "--train", "0", "--out", model, "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"cli_mutations: could not make the seed model: {r.stderr}")
    raw = open(model, "rb").read()
    broken = {
        "trunc.safetensors": raw[:len(raw) // 2],
        "flip.safetensors": raw[:40] + bytes([raw[40] ^ 0x55]) + raw[41:],
        "hugehdr.safetensors": struct.pack("<Q", 1 << 40) + raw[8:],
        "jpeg.png": b"\xff\xd8\xff\xe0" + os.urandom(200),
        "big.png": png(600, 2, [0] * 1200),
        "junk.zip": b"PK\x03\x04" + os.urandom(100),
        "junk.daepack": b"DAEPACK1" + os.urandom(60),
        "in8.png": png(8, 8, list(range(64))),
        "in28.png": png(28, 28, [0] * 784),
        "ctrl\nname\x1b.png": png(8, 8, [1] * 64),
    }
    for name, data in broken.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    os.mkfifo(os.path.join(d, "fifo"))
    files = [model, tiny, os.path.join(d, "tiny.zip"), os.path.join(d, "fifo"), d, "/dev/null", "/dev/full",
             "/nonexistent/x", "", "mnist", "dhcd", "devanagari"] + [os.path.join(d, n) for n in broken]
    outs = [os.path.join(d, "out", "o.png"), os.path.join(d, "out", "o.safetensors"), os.path.join(d, "out", "h.csv"),
            "/dev/full", "/dev/null", d, "", "/proc/x", os.path.join(d, "missing", "x"), os.path.join(d, "fifo")]
    os.makedirs(os.path.join(d, "out"), exist_ok=True)
    return files, outs


COMMANDS = ["summary", "train", "eval", "denoise", "grid", "bench", "export", "frobnicate", "--help", ""]
FLAGS = ["dataset", "arch", "noise", "epochs", "batch", "lr", "loss", "train", "val", "seed", "threads",
         "fresh-noise", "init", "out", "history", "quiet", "model", "in", "noisy-out", "invert", "count", "scale",
         "input", "seconds", "json", "help", "bogus", ""]
VALUES = ["0", "1", "2", "-1", "7", "1e3", "10000", "99999999999999999999", "nan", "inf", "0.5", " 3", "3 ",
          "0x10", "", "abc", "gaussian:0.5", "sp:0.1", "sp:2", "gaussian:-1", "none", "pink:1", "bce", "mse",
          "seed", "deep", "transposed", "dense", "conv4 | conv1:sigmoid", "conv8k15/valid", "convt3k4", "reshape0x1x1",
          "dense99999", "conv4096 conv4096", "|||", "conv4:tanh", "conv4:lrelu:0.1 | lrelu conv1:sigmoid",
          "lrelu:2", "conv4:lrelu:", "lrelu:0.99999999999999", "\x01\x02", "é", "a" * 300]


def mutate(rnd, files, outs):
    cmd = rnd.choice(COMMANDS)
    args = [cmd] if cmd else []
    if cmd in ("train", "export", "bench"):  # keep runs short (later flags may still override)
        args += ["--train", rnd.choice(["0", "8", "16"]), "--val", rnd.choice(["0", "4", "8"]),
                 "--dataset", rnd.choice(files[:3])]
        if cmd == "bench":
            args += ["--seconds", "0.2", "--input", rnd.choice(["8", "13"])]
    for _ in range(rnd.randrange(0, 6)):
        flag = rnd.choice(FLAGS)
        form = rnd.random()
        val = rnd.choice(files + outs + VALUES) if rnd.random() < 0.5 else rnd.choice(VALUES)
        if flag in ("out", "history", "noisy-out") and rnd.random() < 0.7:
            val = rnd.choice(outs)
        if form < 0.1:
            args.append(val)  # a stray word
        elif form < 0.2:
            args.append("--" + flag)  # maybe missing its value
        elif form < 0.3:
            args.append(f"--{flag}={val}")
        else:
            args += ["--" + flag, val]
    return args


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dae", default=os.path.join(ROOT, "build", "asan", "dae"))
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()
    dae = os.path.abspath(a.dae)
    if not os.access(dae, os.X_OK):
        sys.exit(f"cli_mutations: {dae} not built (cmake --preset asan && cmake --build --preset asan)")
    rnd = random.Random(a.seed)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98")
    d = tempfile.mkdtemp(prefix="dae-cli-mut-")
    findings = codes = 0
    counts = {}
    try:
        files, outs = make_inputs(d, dae)
        for i in range(a.runs):
            args = mutate(rnd, files, outs)
            try:
                r = subprocess.run([dae] + args, capture_output=True, env=env, cwd=d, timeout=a.timeout)
            except subprocess.TimeoutExpired:
                print(f"TIMEOUT after {a.timeout}s: dae {args!r}")
                findings += 1
                continue
            err = r.stderr.decode("utf-8", "replace")
            counts[r.returncode] = counts.get(r.returncode, 0) + 1
            bad = None
            if "Sanitizer" in err or "runtime error:" in err:
                bad = "sanitizer report"
            elif r.returncode not in (0, 1, 130):
                bad = f"exit code {r.returncode}"
            elif r.returncode == 1 and args and args[0] in COMMANDS[:8] and args[0] != "":
                lines = [l for l in err.splitlines() if l.strip()]
                if not (len(lines) == 1 and lines[0].startswith("dae: error: ")):
                    bad = "not a one-line error"
                elif any(ord(c) < 32 for c in lines[0]):
                    bad = "control character in the message"
            if bad:
                findings += 1
                print(f"FINDING ({bad}): dae {args!r}\n{err[-3000:]}")
            shutil.rmtree(os.path.join(d, "out"), ignore_errors=True)
            os.makedirs(os.path.join(d, "out"), exist_ok=True)
            if (i + 1) % 1000 == 0:
                print(f"{i + 1} runs, exit codes {dict(sorted(counts.items()))}, findings {findings}", flush=True)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f"cli_mutations: {a.runs} runs, exit codes {dict(sorted(counts.items()))}, findings {findings}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
