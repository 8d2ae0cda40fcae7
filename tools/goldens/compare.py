#!/usr/bin/env python3
"""Compares regenerated goldens with the committed ones, with the goldens README's tolerances.

For each file in NEW_DIR (recursively) that is also under OLD_DIR:
  *.safetensors  same tensor names, shapes and dtypes; integer/bool tensors equal; float tensors within
                 max|a-b| / max|b| <= TOL (1e-4 by default; 1e-3 for trajectories, mels after sampling and
                 audio, as the README asks); __metadata__ equal key by key (JSON values compared parsed).
  *.pt / *.bin   torch.load of both: the same nested structure, tensors as above, other values equal.
  *.wav          same rate, channels, sample width and length; samples at most 1 LSB apart (SoX's dither).
  other files    byte-equal.
Prints one line per file (equal / differs: why) and exits 1 if any differs.

usage: compare.py OLD_DIR NEW_DIR
"""
import json
import os
import sys
import wave

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from dump_activations import read_safetensors  # noqa: E402

LOOSE = ("out/trajectory", "out/mel", "out/wave", "out/audio")  # whole ODE runs and audio: 1e-3


def tol(name, kind):
    if kind in ("cfm_sample", "infer_process") and name.startswith(("out/", "act/")):
        return 1e-3
    return 1e-3 if name.startswith(LOOSE) and kind != "frontend" else 1e-4


WORST = [0.0]  # the largest relative error among the tensors found equal, for the report


def tensor_diff(name, a, b, kind):
    if tuple(a.shape) != tuple(b.shape) or a.dtype != b.dtype:
        return f"{name}: shape/dtype {tuple(b.shape)} {b.dtype} -> {tuple(a.shape)} {a.dtype}"
    if not a.is_floating_point():
        return None if torch.equal(a, b) else f"{name}: values differ ({int((a != b).sum())} of {a.numel()})"
    if a.numel() == 0:
        return None
    scale = b.abs().max().item()
    err = (a.double() - b.double()).abs().max().item()
    rel = err / scale if scale > 0 else err
    if rel <= tol(name, kind):
        WORST[0] = max(WORST[0], rel)
    return None if rel <= tol(name, kind) else f"{name}: max|a-b|/max|b| = {rel:.3g} > {tol(name, kind):g}"


def json_or_text(v):
    try:
        return json.loads(v)
    except ValueError:
        return v


def diff_safetensors(old, new):
    a, ma = read_safetensors(new)
    b, mb = read_safetensors(old)
    kind = mb.get("kind", "")
    out = []
    if set(a) != set(b):
        out.append(f"tensors missing {sorted(set(b) - set(a))[:5]}, extra {sorted(set(a) - set(b))[:5]}")
    for k in b:
        if k in a:
            d = tensor_diff(k, a[k], b[k], kind)
            if d:
                out.append(d)
    for k in sorted(set(ma) | set(mb)):
        if json_or_text(ma.get(k)) != json_or_text(mb.get(k)):
            out.append(f"metadata {k}: {str(mb.get(k))[:80]!r} -> {str(ma.get(k))[:80]!r}")
    return out


def diff_objects(path, a, b, kind=""):
    if torch.is_tensor(b):
        if not torch.is_tensor(a):
            return [f"{path}: not a tensor"]
        d = tensor_diff(path, a, b, kind)
        return [d] if d else []
    if isinstance(b, dict):
        if not isinstance(a, dict) or list(a) != list(b):
            return [f"{path}: keys differ"]
        return [d for k in b for d in diff_objects(f"{path}/{k}", a[k], b[k], kind)]
    if isinstance(b, (list, tuple)):
        if not isinstance(a, (list, tuple)) or len(a) != len(b):
            return [f"{path}: lengths differ"]
        return [d for i in range(len(b)) for d in diff_objects(f"{path}[{i}]", a[i], b[i], kind)]
    return [] if a == b else [f"{path}: {b!r} -> {a!r}"]


def diff_wav(old, new):
    with wave.open(old) as a, wave.open(new) as b:
        if a.getparams()[:4] != b.getparams()[:4]:
            return [f"format {a.getparams()[:4]} -> {b.getparams()[:4]}"], 0
        if a.getsampwidth() != 2:
            return [] if a.readframes(a.getnframes()) == b.readframes(b.getnframes()) else ["samples differ"], 0
        x = torch.frombuffer(bytearray(a.readframes(a.getnframes())), dtype=torch.int16).int()
        y = torch.frombuffer(bytearray(b.readframes(b.getnframes())), dtype=torch.int16).int()
    lsb = int((x - y).abs().max()) if x.numel() else 0
    return ([] if lsb <= 1 else [f"samples up to {lsb} LSB apart"]), lsb


def main(old_dir, new_dir):
    bad = 0
    for dp, _, fs in sorted(os.walk(new_dir)):
        for f in sorted(fs):
            new = os.path.join(dp, f)
            rel = os.path.relpath(new, new_dir)
            old = os.path.join(old_dir, rel)
            if not os.path.exists(old):
                print(f"{rel}: not in {old_dir}")
                bad += 1
                continue
            if f.endswith(".safetensors"):
                d = diff_safetensors(old, new)
            elif f.endswith(".wav"):
                d, lsb = diff_wav(old, new)
            elif f.endswith((".pt", ".bin")):
                d = diff_objects("", torch.load(new, map_location="cpu"), torch.load(old, map_location="cpu"))
            else:
                d = [] if open(new, "rb").read() == open(old, "rb").read() else ["bytes differ"]
            worst, WORST[0] = WORST[0], 0.0
            same = f"equal (within {lsb} LSB)" if f.endswith(".wav") else "equal (same bytes)" \
                if not f.endswith((".safetensors", ".pt", ".bin")) else f"equal (largest relative error {worst:.2g})"
            print(f"{rel}: " + (same if not d else "differs: " + "; ".join(d[:6]) + (f" (+{len(d) - 6})" if len(d) > 6 else "")))
            bad += bool(d)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
