#!/usr/bin/env python3
"""Crafts trainer checkpoints (model_N.pt layout) with one planted weights fault each, from the golden
trainer checkpoint, for the audit's scenario tests:

  control.pt     online weights = EMA weights (nothing planted)
  ema_lag.pt     an early fine-tune of a released checkpoint: online = start + delta, EMA = start + 1 % of delta
                 (what upstream's EMA recipe leaves after 1000 updates from an EMA at step 1,250,000),
                 EMA step 1,251,000, update 1000
  ema_random.pt  the EMA re-randomised (fresh normal values at each tensor's own scale); step = update = 5000

Deterministic (fixed generator seeds). Usage: craft_audit_scenarios.py GOLDEN_TRAINER_CKPT OUT_DIR
"""
import sys
from pathlib import Path

import torch


def main(src, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ck = torch.load(src, map_location="cpu")
    ema = ck["ema_model_state_dict"]
    weights = {k[len("ema_model."):]: v for k, v in ema.items() if k.startswith("ema_model.")}

    def save(name, online, ema_weights, step, update):
        e = {"ema_model." + k: v.clone() for k, v in ema_weights.items()}
        e["initted"] = torch.tensor(True)
        e["step"] = torch.tensor(step)
        torch.save({"model_state_dict": {k: v.clone() for k, v in online.items()},
                    "ema_model_state_dict": e, "update": update}, out / name)

    save("control.pt", weights, weights, 5000, 5000)

    g = torch.Generator().manual_seed(1234)
    start, online, lagged = weights, {}, {}
    for k, v in start.items():
        if not v.is_floating_point() or k.endswith("inv_freq"):  # buffers: fixed, never trained
            online[k], lagged[k] = v, v
            continue
        scale = v.float().std() if v.numel() > 1 else v.abs().mean()
        delta = torch.randn(v.shape, generator=g) * (0.5 * scale + 1e-3)
        online[k] = v + delta
        lagged[k] = v + 0.01 * delta
    save("ema_lag.pt", online, lagged, 1_251_000, 1000)

    g = torch.Generator().manual_seed(99)
    rand = {}
    for k, v in weights.items():
        if not v.is_floating_point() or k.endswith("inv_freq"):
            rand[k] = v
            continue
        scale = v.float().std() if v.numel() > 1 else v.abs().mean()
        rand[k] = torch.randn(v.shape, generator=g) * (scale + 1e-3)
    online = dict(ck["model_state_dict"])
    save("ema_random.pt", online, rand, 5000, 5000)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
