#!/usr/bin/env python3
"""Trains a tiny F5-TTS on espeak-ng pt-BR sentences, then fine-tunes it as upstream fine-tunes (from the
pruned EMA checkpoint, the EMA keeping its step), writing trainer-layout checkpoints for the audit:

  OUT/pretrain/model_N.pt, OUT/pretrained.pt (pruned: only ema_model_state_dict, like a release),
  OUT/finetune/model_N.pt, OUT/vocab.txt, OUT/model.yaml, OUT/wavs/*.wav, OUT/metadata.csv

The model is tools/f5tts_mirror.py's DiT (upstream's module tree and arithmetic, plain torch); the loss is
upstream CFM.forward's (span mask of 70-100 % of the frames, noise, t ~ U(0,1), audio dropped 30 %, audio
and text 20 %); AdamW with a linear warm-up; the EMA follows ema_pytorch as upstream's Trainer builds it
(beta 0.9999, update_after_step 100, update_every 10, warm-up power 2/3). The fine-tune set also holds each
row "said twice" (text + " " + text, audio twice), so the trainer-style sample is within what it saw.

Then OUT/fixture/ gets what the audit tests use (src/test/resources/audit-fixture): the fine-tune's last
checkpoint without the optimizer and scheduler state (model.pt), model.yaml, vocab.txt and row 0's wave.

Usage: nice -n 19 train_fixture.py OUT [--pretrain 1500] [--finetune 1000] [--dim 128] [--depth 4] [--export-only]
Deterministic for a given torch build and espeak-ng (fixed seeds, one thread).
"""
import argparse
import copy
import subprocess
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
import torchaudio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from f5tts_mirror import DiT  # noqa: E402

SENTENCES = [
    "O rato roeu a roupa do rei de Roma.", "A casa amarela fica perto do rio.", "Eu gosto de ler livros a noite.",
    "O gato dorme no sofa da sala.", "Hoje o dia esta claro e bonito.", "Vamos comer pao com manteiga.",
    "O menino corre pela rua molhada.", "A porta da cozinha estava aberta.", "Minha mae fez um bolo de milho.",
    "O carro azul parou na esquina.", "Ela canta uma musica muito antiga.", "O vento forte derrubou a arvore.",
    "Os alunos chegaram cedo na escola.", "Bebemos agua fresca da fonte.", "O trem passa duas vezes por dia.",
    "A lua cheia brilha sobre o mar.",
]
ARCH = dict(heads=4, dim_head=32, ff_mult=2, text_dim=64, text_mask_padding=True, qk_norm=None, conv_layers=2,
            pe_attn_head=None, attn_mask_enabled=False, long_skip_connection=False)


def mel_of(wave):
    """Upstream's vocos MelSpec: magnitude mel (power 1, centred), log of at least 1e-5; (n, 100)."""
    m = torchaudio.transforms.MelSpectrogram(sample_rate=24000, n_fft=1024, win_length=1024, hop_length=256, n_mels=100,
                                             power=1, center=True, normalized=False, norm=None)(wave)
    return m.clamp(min=1e-5).log().squeeze(0).T


def speak(text, wav):
    subprocess.run(["espeak-ng", "-v", "pt-br", "-w", str(wav), text], check=True)
    w, sr = torchaudio.load(str(wav))
    w = torchaudio.functional.resample(w.mean(0, keepdim=True), sr, 24000)
    torchaudio.save(str(wav), w, 24000, encoding="PCM_S", bits_per_sample=16)
    return torchaudio.load(str(wav))[0]


class Ema:
    """ema_pytorch.EMA.update() with upstream's Trainer defaults."""

    def __init__(self, model, beta=0.9999, after=100, every=10, step=0, initted=False):
        self.model, self.beta, self.after, self.every = copy.deepcopy(model), beta, after, every
        self.step, self.initted = step, initted

    @torch.no_grad()
    def update(self, online):
        step = self.step
        self.step += 1
        if not self.initted:
            self.model.load_state_dict(online.state_dict())
            self.initted = True
            return
        if step % self.every != 0:
            return
        if step <= self.after:
            self.model.load_state_dict(online.state_dict())
            return
        epoch = max(0, self.step - self.after - 1)
        decay = 0.0 if epoch <= 0 else min(self.beta, 1 - (1 + epoch) ** (-2 / 3))
        for e, o in zip(self.model.parameters(), online.parameters()):
            e.lerp_(o, 1 - decay)

    def state_dict(self):
        d = {"ema_model.transformer." + k: v.clone() for k, v in self.model.state_dict().items()}
        d["initted"] = torch.tensor(self.initted)
        d["step"] = torch.tensor(self.step)
        return d


def loss_of(model, mel, text, lens):
    b, n, _ = mel.shape
    frac = torch.empty(b).uniform_(0.7, 1.0)
    span = torch.zeros(b, n, dtype=torch.bool)
    for i in range(b):
        ln = int(lens[i] * frac[i])
        start = int(torch.rand(()) * (lens[i] - ln + 1))
        span[i, start:start + ln] = True
    mask = torch.arange(n)[None, :] < lens[:, None]
    x0 = torch.randn_like(mel)
    t = torch.rand(b)
    phi = (1 - t[:, None, None]) * x0 + t[:, None, None] * mel
    cond = torch.where(span[..., None], torch.zeros_like(mel), mel)
    drop_audio, drop_text = torch.rand(()) < 0.3, False
    if torch.rand(()) < 0.2:
        drop_audio, drop_text = True, True
    pred = model(x=phi, cond=cond, text=text, time=t, mask=mask, drop_audio_cond=bool(drop_audio), drop_text=drop_text)
    return F.mse_loss(pred, mel - x0, reduction="none")[span].mean()


def batch(rows, idx, vocab):
    mels = [rows[i][1] for i in idx]
    lens = torch.tensor([m.shape[0] for m in mels])
    n = int(lens.max())
    mel = torch.stack([F.pad(m, (0, 0, 0, n - m.shape[0])) for m in mels])
    ids = [[vocab.get(c, 0) for c in rows[i][0]] for i in idx]
    t = max(len(x) for x in ids)
    text = torch.tensor([x + [-1] * (t - len(x)) for x in ids])
    return mel, text, lens


def train(model, ema, rows, vocab, updates, lr, out, start_update=0, log_every=100):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1e-3, end_factor=1.0, total_iters=min(100, updates))
    g = torch.Generator().manual_seed(7)
    t0 = time.time()
    for u in range(1, updates + 1):
        idx = torch.randperm(len(rows), generator=g)[:4].tolist()
        loss = loss_of(model, *batch(rows, idx, vocab))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        ema.update(model)
        if u % log_every == 0 or u == updates:
            print(f"{out.name} update {u}: loss {loss.item():.3f} ({time.time() - t0:.0f} s)", flush=True)
        if u == updates:
            torch.save({"model_state_dict": {"transformer." + k: v for k, v in model.state_dict().items()},
                        "ema_model_state_dict": ema.state_dict(), "optimizer_state_dict": opt.state_dict(),
                        "scheduler_state_dict": sched.state_dict(), "update": start_update + u}, out / f"model_{start_update + u}.pt")


def export_fixture(out):
    """OUT/fixture: the last fine-tune checkpoint (weights and EMA, update count; no optimizer state), config, vocab, row 0."""
    last = max((out / "finetune").glob("model_*.pt"), key=lambda p: int(p.stem.split("_")[1]))
    ck = torch.load(last, map_location="cpu")
    fx = out / "fixture"
    fx.mkdir(exist_ok=True)
    torch.save({k: ck[k] for k in ("model_state_dict", "ema_model_state_dict", "update")}, fx / "model.pt")
    for name in ("model.yaml", "vocab.txt"):
        (fx / name).write_bytes((out / name).read_bytes())
    (fx / "ref.wav").write_bytes((out / "wavs" / "00.wav").read_bytes())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pretrain", type=int, default=1500)
    ap.add_argument("--finetune", type=int, default=1000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--export-only", action="store_true", help="only (re)write OUT/fixture from a finished run")
    a = ap.parse_args()
    if a.export_only:
        export_fixture(Path(a.out))
        return
    torch.set_num_threads(1)
    torch.manual_seed(0)
    out = Path(a.out)
    (out / "wavs").mkdir(parents=True, exist_ok=True)
    rows, meta = [], []
    for i, s in enumerate(SENTENCES):
        w = speak(s, out / "wavs" / f"{i:02d}.wav")
        rows.append((s, mel_of(w)))
        meta.append(f"wavs/{i:02d}.wav|{s}")
    (out / "metadata.csv").write_text("\n".join(meta) + "\n", encoding="utf-8")
    chars = sorted(set("".join(SENTENCES)) - {" "})
    vocab = {c: i for i, c in enumerate([" "] + chars)}
    (out / "vocab.txt").write_text("".join(c + "\n" for c in vocab), encoding="utf-8")
    (out / "model.yaml").write_text("model:\n  backbone: DiT\n  arch:\n" + "".join(
        f"    {k}: {('null' if v is None else str(v).lower() if isinstance(v, bool) else v)}\n"
        for k, v in dict(dim=a.dim, depth=a.depth, **ARCH).items())
        + "  mel_spec:\n    target_sample_rate: 24000\n    n_mel_channels: 100\n    hop_length: 256\n"
        + "    win_length: 1024\n    n_fft: 1024\n    mel_spec_type: vocos\n", encoding="utf-8")
    model = DiT(dim=a.dim, depth=a.depth, **ARCH, text_num_embeds=len(vocab), mel_dim=100)
    print(f"{sum(p.numel() for p in model.parameters())} parameters, {len(rows)} rows", flush=True)
    for d in ("pretrain", "finetune"):
        (out / d).mkdir(exist_ok=True)
    ema = Ema(model)
    train(model, ema, rows, vocab, a.pretrain, 1e-3, out / "pretrain")
    torch.save({"ema_model_state_dict": ema.state_dict()}, out / "pretrained.pt")
    # upstream's fine-tune: both the model and the EMA start from the pruned EMA weights; the EMA keeps its step
    model.load_state_dict(ema.model.state_dict())
    ema = Ema(ema.model, step=ema.step, initted=True)
    twice = rows + [(s + " " + s, torch.cat([m, m])) for s, m in rows]
    train(model, ema, twice, vocab, a.finetune, 1e-4, out / "finetune")
    export_fixture(out)


if __name__ == "__main__":
    main()
