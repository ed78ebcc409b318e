#!/usr/bin/env python3
"""Test-only: checks a notebook written by `dae notebook` with Jupyter's own tools and prints one
JSON object: the validation PSNR each run's PyTorch cell printed as written (`written`) and after
executing the notebook with nbclient's python3 kernel next to its files (`executed`), how many
image/png outputs it embeds, and its Markdown. Exits 1 when nbformat finds it invalid or a cell
fails.

usage: notebook_check.py study.ipynb
"""
import json
import os
import re
import sys

import nbformat
from nbclient import NotebookClient

LINE = re.compile(r"validation PSNR (-?[0-9.]+) dB \(noisy input (-?[0-9.]+) dB\)")


def printed(nb):
    """The PSNR figures of every 'validation PSNR …' line the code cells show."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                found += [[float(a), float(b)] for a, b in LINE.findall(out["text"])]
    return found


def main():
    path = sys.argv[1]
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)  # raises on an invalid notebook
    images = sum("image/png" in out.get("data", {}) for c in nb.cells for out in c.get("outputs", []))
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    written = printed(nb)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
    executed_images = sum("image/png" in out.get("data", {}) for c in nb.cells for out in c.get("outputs", []))
    print(json.dumps({"written": written, "executed": printed(nb), "images": images,
                      "executed_images": executed_images, "markdown": markdown}))


if __name__ == "__main__":
    main()
