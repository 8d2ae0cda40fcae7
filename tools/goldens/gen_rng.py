#!/usr/bin/env python3
"""rng.safetensors: the start noise of CFM.sample, torch.manual_seed(seed); torch.randn(n, 100) on the CPU.

usage: gen_rng.py OUT_DIR
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from upstream import write_safetensors  # noqa: E402

SEEDS = [0, 1, 42, 1234, 2147483647]
ROWS = [1, 7, 16, 100, 1001]


def main(out_dir):
    t = {}
    for s in SEEDS:
        for n in ROWS:
            torch.manual_seed(s)
            t[f"out/randn_seed{s}_n{n}"] = torch.randn(n, 100)
    write_safetensors(os.path.join(out_dir, "rng.safetensors"), t, {
        "kind": "rng", "what": "torch.manual_seed(seed); torch.randn(n, 100) on the CPU, float32"})


if __name__ == "__main__":
    main(sys.argv[1])
