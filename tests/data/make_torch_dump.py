#!/usr/bin/python3
"""Writes tests/data/torch_reference.safetensors: what PyTorch computes for the `seed` and
`transposed` presets on 2 images of 28×28, so that the test suites (native and wasm) can check
dae's outputs, loss and gradients against PyTorch without Python at test time.

    /usr/bin/python3 tests/data/make_torch_dump.py      (Debian's python3-torch 1.13)

Weights are not stored: both sides compute them from a formula (weight_value below, in double
precision, rounded once to float32), so the file stays small. For each model <m> it holds:
  <m>.x, <m>.target        (2, 1, 28, 28) inputs and targets in [0, 1]
  <m>.y                    (2, 1, 28, 28) the model's output (after the final sigmoid)
  <m>.loss                 (1) mean binary cross-entropy from the logits (F.binary_cross_entropy_with_logits)
  <m>.grad.<param>         d loss / d param at every `stride`-th element (metadata <m>.grad.<param>.stride),
                           for every parameter, named as in dae's model files (layers.<i>.weight / .bias)
"""
import json
import math
import os
import struct

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

MAX_PER_TENSOR = 1024  # gradient entries kept per parameter tensor


def build(preset):
    conv = lambda c, o: nn.Conv2d(c, o, 3, padding=1)
    pool = lambda: nn.MaxPool2d(2, ceil_mode=True)
    up = lambda: nn.Upsample(scale_factor=2, mode="nearest")
    convt = lambda c, o: nn.ConvTranspose2d(c, o, 3, stride=2, padding=1, output_padding=1)
    if preset == "seed":
        layers = [conv(1, 32), nn.ReLU(), pool(), conv(32, 64), nn.ReLU(), pool(),
                  conv(64, 64), nn.ReLU(), up(), conv(64, 32), nn.ReLU(), up(), conv(32, 1), nn.Sigmoid()]
    else:  # transposed
        layers = [conv(1, 32), nn.ReLU(), pool(), conv(32, 64), nn.ReLU(), pool(),
                  convt(64, 64), nn.ReLU(), convt(64, 32), nn.ReLU(), conv(32, 1), nn.Sigmoid()]
    return nn.Sequential(*layers)


def weight_value(i, size, rows, is_bias):
    """Element i of a parameter tensor of `size` elements and `rows` rows (shape[0]); the same
    formula is in tests/test_reference.cpp. u is a Weyl-sequence fraction in [0, 1)."""
    u = ((i + 1) * 2654435761 % 4294967296) / 4294967296.0
    scale = 0.05 if is_bias else 1.0 / math.sqrt(size / rows)
    return (2.0 * u - 1.0) * scale


def images():
    """Two 28×28 digit-like images (a ring and a bar, blurred, plus a little deterministic
    texture) and their targets (the clean shapes)."""
    yy, xx = np.mgrid[0:28, 0:28].astype(np.float64)
    ring = np.exp(-((np.hypot(yy - 13.5, xx - 13.5) - 8.0) ** 2) / 4.0)
    bar = np.exp(-((xx - 0.6 * yy - 6.0) ** 2) / 6.0) * (np.abs(yy - 14) < 10)
    clean = np.stack([ring, bar])
    tex = 0.3 * (np.sin(0.7 * xx + 1.3 * yy) * np.cos(0.4 * xx * yy / 7.0))
    noisy = np.clip(clean + tex, 0.0, 1.0)
    return (noisy.reshape(2, 1, 28, 28).astype(np.float32), clean.reshape(2, 1, 28, 28).astype(np.float32))


def main():
    torch.set_num_threads(1)
    x, t = images()
    tensors, meta = [], {"format": "dae-torch-reference-1", "torch": torch.__version__,
                         "generator": "tests/data/make_torch_dump.py"}
    for preset in ("seed", "transposed"):
        model = build(preset).double()  # double precision: the reference, not another float32 result
        with torch.no_grad():
            for name, p in model.state_dict().items():
                flat = p.view(-1)
                rows = p.shape[0]
                for i in range(flat.numel()):
                    flat[i] = float(np.float32(weight_value(i, flat.numel(), rows, name.endswith("bias"))))
        xt, tt = torch.from_numpy(x).double(), torch.from_numpy(t).double()
        z = model[:-1](xt)  # logits
        loss = F.binary_cross_entropy_with_logits(z, tt)
        loss.backward()
        tensors += [(f"{preset}.x", x), (f"{preset}.target", t),
                    (f"{preset}.y", torch.sigmoid(z).detach().numpy().astype(np.float32)),
                    (f"{preset}.loss", np.array([loss.item()], dtype=np.float32))]
        for name, p in model.named_parameters():
            g = p.grad.detach().numpy().reshape(-1)
            stride = max(1, math.ceil(g.size / MAX_PER_TENSOR))
            key = f"{preset}.grad.layers.{name}"
            tensors.append((key, g[::stride].astype(np.float32)))
            meta[key + ".stride"] = str(stride)
    # safetensors: 8-byte header length, JSON header, raw little-endian float32 data.
    header, offset, blobs = {"__metadata__": meta}, 0, []
    for name, arr in tensors:
        b = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_reference.safetensors")
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    print(f"wrote {out}: {8 + len(h) + offset} bytes")


if __name__ == "__main__":
    main()
