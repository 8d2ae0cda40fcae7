#!/usr/bin/env python3
"""The tiny F5 model in the trainer's layouts: model_2.pt, pruned_ema.pt, model.safetensors, model_online.safetensors.

model_2.pt is what upstream's Trainer.save_checkpoint writes after two real training updates of the upstream
CFM (its forward is the flow-matching loss), restated as a loop because the Trainer needs accelerate:
  torch.manual_seed(SEED) after building CFM(DiT(**arch)), then every parameter in named_parameters() order
  drawn with torch.randn: nn.Embedding weights as they are (std 1), other weights of 2+ dims / sqrt(fan_in),
  the rest * 0.05 (biases, norms, GRN) -- the default init would leave the adaLN and output layers at zero;
  ema_pytorch EMA(update_every=1, update_after_step=0, include_online_model=False); AdamW(lr 1e-3);
  LinearLR(start_factor 1e-3, total_iters 10); torch.manual_seed(SEED) and random.seed(SEED) again, then two
  updates (loss.backward, optimizer.step, scheduler.step, zero_grad, ema.update) on one batch: the reference
  clip GOLDENS_DIR/audio/ref_24k_mono.wav as raw wave with its text, in train mode.
The other layouts are cut from it: pruned_ema.pt = {ema_model_state_dict}; model.safetensors = the EMA weights
under their ema_model. keys (as released checkpoints); model_online.safetensors = model_state_dict.

usage: F5J_UPSTREAM=... gen_checkpoints.py GOLDENS_DIR MODEL_DIR OUT_DIR   (MODEL_DIR: model.yaml, vocab.txt)
"""
import os
import random
import sys

import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402
from dump_activations import load_yaml_arch  # noqa: E402

SEED = 1247
UPDATES = 2
REF, REF_TEXT = "ref_24k_mono.wav", "O rato roeu a roupa do rei de Roma."


def randomize(model, gain=1.0):
    """Draws every parameter with torch.randn in named_parameters() order (the tiny Vocos uses gain 0.7)."""
    mods = dict(model.named_modules())
    with torch.no_grad():
        for name, p in model.named_parameters():
            owner = mods[name.rpartition(".")[0]]
            if isinstance(owner, torch.nn.Embedding):
                scale = 1.0
            elif name.endswith("weight") and p.dim() >= 2:
                scale = (p.numel() // p.shape[0]) ** -0.5
            else:
                scale = 0.05
            p.copy_(torch.randn_like(p) * (gain * scale))


def main(goldens, model_dir, out_dir):
    upstream.setup()
    from ema_pytorch import EMA
    from f5_tts.model import CFM, DiT
    from f5_tts.model.utils import get_tokenizer

    vocab, vocab_size = get_tokenizer(os.path.join(model_dir, "vocab.txt"), "custom")
    model = CFM(transformer=DiT(**load_yaml_arch(os.path.join(model_dir, "model.yaml")),
                                text_num_embeds=vocab_size, mel_dim=100), vocab_char_map=vocab)
    torch.manual_seed(SEED)
    randomize(model)
    ema = EMA(model, include_online_model=False, update_every=1, update_after_step=0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1e-3, end_factor=1.0, total_iters=10)
    wave = torchaudio.load(os.path.join(goldens, "audio", REF))[0]
    torch.manual_seed(SEED)
    random.seed(SEED)  # CFM.forward draws its audio/text drop from the random module
    model.train()
    for _ in range(UPDATES):
        loss, _, _ = model(wave, text=[REF_TEXT])
        loss.backward()
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        ema.update()
    ckpt = dict(model_state_dict=model.state_dict(), optimizer_state_dict=optimizer.state_dict(),
                ema_model_state_dict=ema.state_dict(), scheduler_state_dict=scheduler.state_dict(), update=UPDATES)
    torch.save(ckpt, os.path.join(out_dir, f"model_{UPDATES}.pt"))
    torch.save({"ema_model_state_dict": ckpt["ema_model_state_dict"]}, os.path.join(out_dir, "pruned_ema.pt"))
    ema_weights = {k: v for k, v in ckpt["ema_model_state_dict"].items() if k not in ("initted", "step")}
    upstream.write_safetensors(os.path.join(out_dir, "model.safetensors"), ema_weights, {})
    upstream.write_safetensors(os.path.join(out_dir, "model_online.safetensors"), ckpt["model_state_dict"], {})


if __name__ == "__main__":
    main(*sys.argv[1:4])
