#!/usr/bin/env python3
"""Times in PyTorch the computation `./f5j bench` times in f5j, with the same shapes, on the same machine.

Compact re-statements (written for this benchmark, not the upstream code) of the F5-TTS DiT and the Vocos
decoder with random weights: one ODE step's CFG-packed DiT forward (batch 1 in, conditional +
unconditional rows, `frames` mel frames, text embeddings of frames/4 tokens computed once beforehand as
the sampler caches them), a Vocos decode of `frames` frames, and a vocos mel spectrogram of the matching
audio. rtf_nfe32 is 32 such steps plus the decode over the audio's duration. Prints a table and, last,
one JSON line with the keys f5j prints. --device cuda times the same on a GPU.

    python3 tools/bench_pytorch.py --preset F5TTS_v1_Base --frames 1000 --threads 2 --repeat 3

Debian's python3-torch does its matrix products through whatever libblas.so.3 resolves to; with only
libblas3 (netlib reference BLAS) installed that runs at ~1.5 GFLOP/s. To time it with OpenBLAS without
installing anything, unpack libopenblas0-pthread's .deb and put its directory first:
    dpkg-deb -x libopenblas0-pthread_*.deb /tmp/openblas
    LD_LIBRARY_PATH=/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread python3 tools/bench_pytorch.py
The JSON line names the BLAS library that was loaded.
"""
import argparse
import json
import math
import os
import resource
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

# DiT sizes of the presets under conf/ (model.arch)
PRESETS = {
    "F5TTS_v1_Base": dict(dim=1024, depth=22, heads=16, dim_head=64, ff_mult=2, text_dim=512, conv_layers=4),
    "F5TTS_Base": dict(dim=1024, depth=22, heads=16, dim_head=64, ff_mult=2, text_dim=512, conv_layers=4),
    "F5TTS_v1_Small": dict(dim=768, depth=18, heads=12, dim_head=64, ff_mult=2, text_dim=512, conv_layers=4),
    "F5TTS_Small": dict(dim=768, depth=18, heads=12, dim_head=64, ff_mult=2, text_dim=512, conv_layers=4),
}
MEL = 100
VOCAB = 2545  # size of the published Emilia vocab; only the embedding table size depends on it


def sdpa(q, k, v):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v)
    w = torch.softmax((q @ k.transpose(-1, -2)) * (q.shape[-1] ** -0.5), dim=-1)  # torch < 2.0
    return w @ v


class GRN(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.gamma = nn.Parameter(torch.randn(1, 1, dim) * 0.1)
        self.beta = nn.Parameter(torch.randn(1, 1, dim) * 0.1)

    def forward(self, x):
        g = torch.norm(x, p=2, dim=1, keepdim=True)
        return self.gamma * (x * (g / (g.mean(dim=-1, keepdim=True) + 1e-6))) + self.beta + x


class ConvNeXtV2(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.dwconv = nn.Conv1d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pw1, self.pw2, self.grn = nn.Linear(dim, hidden), nn.Linear(hidden, dim), GRN(hidden)

    def forward(self, x):
        y = self.dwconv(x.transpose(1, 2)).transpose(1, 2)
        return x + self.pw2(self.grn(F.gelu(self.pw1(self.norm(y)))))


class DiTBlock(nn.Module):
    def __init__(self, dim, heads, dim_head, ff_mult):
        super().__init__()
        inner = heads * dim_head
        self.heads = heads
        self.ada = nn.Linear(dim, dim * 6)
        self.q, self.k, self.v, self.o = (nn.Linear(dim, inner), nn.Linear(dim, inner), nn.Linear(dim, inner),
                                          nn.Linear(inner, dim))
        self.ff1, self.ff2 = nn.Linear(dim, dim * ff_mult), nn.Linear(dim * ff_mult, dim)

    def forward(self, x, t, cos, sin):
        b, n, _ = x.shape
        sh, sc, g, sh2, sc2, g2 = self.ada(F.silu(t)).chunk(6, dim=1)
        h = F.layer_norm(x, x.shape[-1:], eps=1e-6) * (1 + sc[:, None]) + sh[:, None]
        q, k, v = (p(h).view(b, n, self.heads, -1).transpose(1, 2) for p in (self.q, self.k, self.v))
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        a = sdpa(q, k, v).transpose(1, 2).reshape(b, n, -1)
        x = x + g[:, None] * self.o(a)
        h = F.layer_norm(x, x.shape[-1:], eps=1e-6) * (1 + sc2[:, None]) + sh2[:, None]
        return x + g2[:, None] * self.ff2(F.gelu(self.ff1(h), approximate="tanh"))


def rope(x, cos, sin):  # rotary on interleaved pairs, all of dim_head
    x1, x2 = x[..., 0::2], x[..., 1::2]
    rot = torch.stack((-x2, x1), dim=-1).flatten(-2)
    return x * cos + rot * sin


def sinus(x, dim, scale=1000.0):
    half = dim // 2
    f = torch.exp(torch.arange(half, device=x.device).float() * -(math.log(10000) / (half - 1)))
    e = scale * x[:, None] * f[None]
    return torch.cat((e.sin(), e.cos()), dim=-1)


class DiT(nn.Module):
    def __init__(self, dim, depth, heads, dim_head, ff_mult, text_dim, conv_layers):
        super().__init__()
        self.dim, self.dim_head, self.text_dim = dim, dim_head, text_dim
        self.t1, self.t2 = nn.Linear(256, dim), nn.Linear(dim, dim)
        self.text_embed = nn.Embedding(VOCAB + 1, text_dim)
        self.text_blocks = nn.ModuleList([ConvNeXtV2(text_dim, text_dim * 2) for _ in range(conv_layers)])
        self.proj = nn.Linear(MEL * 2 + text_dim, dim)
        self.conv1 = nn.Conv1d(dim, dim, 31, padding=15, groups=16)
        self.conv2 = nn.Conv1d(dim, dim, 31, padding=15, groups=16)
        self.blocks = nn.ModuleList([DiTBlock(dim, heads, dim_head, ff_mult) for _ in range(depth)])
        self.norm_out = nn.Linear(dim, dim * 2)
        self.proj_out = nn.Linear(dim, MEL)

    def embed_text(self, text, n, drop):
        ids = torch.zeros_like(text) if drop else text + 1
        e = self.text_embed(ids)
        pos = torch.arange(n, device=text.device).float()[:, None] * (
            1.0 / 10000 ** (torch.arange(0, self.text_dim, 2, device=text.device).float() / self.text_dim))
        e = e + torch.cat((pos.cos(), pos.sin()), dim=-1)
        for blk in self.text_blocks:
            e = blk(e)
        return e

    def embed_input(self, x, cond, text_embed, drop):
        if drop:
            cond = torch.zeros_like(cond)
        h = self.proj(torch.cat((x, cond, text_embed), dim=-1))
        c = F.mish(self.conv2(F.mish(self.conv1(h.transpose(1, 2))))).transpose(1, 2)
        return c + h

    def text_embeds(self, text, n):
        """Conditional and dropped-text embeddings, computed once per sample (upstream's cache=True)."""
        return self.embed_text(text, n, False), self.embed_text(text, n, True)

    def forward(self, x, cond, text_embeds, time):  # CFG-packed: rows 0 conditional, 1 unconditional
        n = x.shape[1]
        t = self.t2(F.silu(self.t1(sinus(time, 256))))
        h = torch.cat((self.embed_input(x, cond, text_embeds[0], False), self.embed_input(x, cond, text_embeds[1], True)), dim=0)
        t = torch.cat((t, t), dim=0)
        inv = 1.0 / (10000 ** (torch.arange(0, self.dim_head, 2, device=x.device).float() / self.dim_head))
        ang = torch.arange(n, device=x.device).float()[:, None] * inv[None]
        ang = torch.stack((ang, ang), dim=-1).flatten(-2)
        cos, sin = ang.cos(), ang.sin()
        for blk in self.blocks:
            h = blk(h, t, cos, sin)
        sc, sh = self.norm_out(F.silu(t)).chunk(2, dim=1)
        h = F.layer_norm(h, h.shape[-1:], eps=1e-6) * (1 + sc[:, None]) + sh[:, None]
        return self.proj_out(h)


class Vocos(nn.Module):
    """vocos-mel-24khz decode: ConvNeXt backbone (512, 1536, 8 layers) and the ISTFT head with 'same' padding."""

    def __init__(self, dim=512, hidden=1536, layers=8, n_fft=1024, hop=256):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.embed = nn.Conv1d(MEL, dim, 7, padding=3)
        self.norm, self.final_norm = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.blocks = nn.ModuleList([nn.ModuleDict(dict(dw=nn.Conv1d(dim, dim, 7, padding=3, groups=dim),
                                                        norm=nn.LayerNorm(dim, eps=1e-6), pw1=nn.Linear(dim, hidden),
                                                        pw2=nn.Linear(hidden, dim))) for _ in range(layers)])
        self.scales = nn.Parameter(torch.full((layers, dim), 1.0 / layers))
        self.out = nn.Linear(dim, n_fft + 2)
        self.register_buffer("window", torch.hann_window(n_fft))

    def forward(self, mel):  # b 100 n -> b samples
        x = self.norm(self.embed(mel).transpose(1, 2))
        for i, b in enumerate(self.blocks):
            y = b["norm"](b["dw"](x.transpose(1, 2)).transpose(1, 2))
            x = x + self.scales[i] * b["pw2"](F.gelu(b["pw1"](y)))
        x = self.out(self.final_norm(x)).transpose(1, 2)
        mag, p = x.chunk(2, dim=1)
        spec = torch.clip(torch.exp(mag), max=1e2) * (torch.cos(p) + 1j * torch.sin(p))
        frames = torch.fft.irfft(spec, self.n_fft, dim=1) * self.window[None, :, None]
        t = spec.shape[-1]
        size, pad = (t - 1) * self.hop + self.n_fft, (self.n_fft - self.hop) // 2
        y = F.fold(frames, (1, size), (1, self.n_fft), stride=(1, self.hop))[:, 0, 0, pad:-pad]
        env = F.fold(self.window.square().expand(1, t, -1).transpose(1, 2), (1, size), (1, self.n_fft),
                     stride=(1, self.hop)).squeeze()[pad:-pad]
        return y / env


def dit_flops(a, n):
    """Multiply-adds x2 of one ODE step's CFG-packed forward, text embeddings cached (f5j's bench counts the same)."""
    d, td, rows, inner = a["dim"], a["text_dim"], 2 * n, a["heads"] * a["dim_head"]
    inp = rows * (2 * MEL + td) * d * 2 + 2 * rows * d * (d // 16) * 31 * 2
    block = rows * (3 * d * inner + inner * d + 2 * d * d * a["ff_mult"]) * 2 + 2 * 2 * a["heads"] * n * n * a["dim_head"] * 2
    return inp + a["depth"] * block + rows * d * MEL * 2


def timed(fn, repeat, cpu=None, sync=lambda: None):
    """Median wall seconds and all of them; process CPU seconds of each run appended to cpu if given."""
    fn()  # warm-up
    sync()
    ts = []
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
    return statistics.median(ts), ts


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def blas_library():
    """The BLAS shared object torch actually loaded (Debian's torch calls whatever libblas.so.3 resolves to)."""
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    return ", ".join(sorted(os.path.basename(x) if "openblas" in x else x for x in libs)) or "none found"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="F5TTS_v1_Base", choices=sorted(PRESETS))
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu", help="torch device for the DiT and Vocos timings, e.g. cuda")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    arch, n, dev = PRESETS[args.preset], args.frames, torch.device(args.device)
    sync = (lambda: torch.cuda.synchronize(dev)) if dev.type == "cuda" else (lambda: None)

    with torch.inference_mode():
        dit = DiT(**arch).eval()
        for p in dit.parameters():  # random weights small enough to keep activations finite
            p.normal_(0, 0.02)
        vocos = Vocos().eval()
        dit, vocos = dit.to(dev), vocos.to(dev)
        weights_mb = sum(p.numel() for p in dit.parameters()) * 4 / 2**20
        x, cond = torch.randn(1, n, MEL, device=dev), torch.randn(1, n, MEL, device=dev)
        text = torch.randint(0, VOCAB, (1, n // 4), device=dev)  # ~4 frames per token, as f5j's bench
        text = F.pad(text + 1, (0, n - text.shape[1])) - 1  # -1 past the text: the filler token after the +1
        t = torch.full((1,), 0.5, device=dev)
        te = dit.text_embeds(text, n)  # once per sample, as the sampler does
        dit_cpu, voc_cpu = [], []
        dit_s, dit_all = timed(lambda: dit(x, cond, te, t), args.repeat, dit_cpu, sync)

        mel_in = torch.randn(1, MEL, n, device=dev)
        voc_s, voc_all = timed(lambda: vocos(mel_in), args.repeat, voc_cpu, sync)

        import torchaudio
        wav = torch.randn(1, (n - 1) * 256)
        melspec = torchaudio.transforms.MelSpectrogram(sample_rate=24000, n_fft=1024, win_length=1024, hop_length=256,
                                                       n_mels=MEL, power=1, center=True, normalized=False, norm=None)
        mel_s, _ = timed(lambda: melspec(wav).clamp(min=1e-5).log(), args.repeat)

    flops = dit_flops(arch, n)
    res = dict(impl="pytorch " + torch.__version__, blas=blas_library(), preset=args.preset, frames=n, threads=args.threads,
               repeat=args.repeat, dit_forward_s=round(dit_s, 4), dit_forward_all_s=[round(v, 4) for v in dit_all],
               dit_forward_cpu_s=round(statistics.median(dit_cpu), 4),
               gflops=round(flops / dit_s / 1e9, 1), dit_tflop=round(flops / 1e12, 4),
               vocos_decode_s=round(voc_s, 4), vocos_all_s=[round(v, 4) for v in voc_all],
               vocos_decode_cpu_s=round(statistics.median(voc_cpu), 4), mel_s=round(mel_s, 4),
               rtf_nfe32=round((32 * dit_s + voc_s) / (n * 256 / 24000), 4), device=str(dev),
               weights_mb=round(weights_mb, 1), peak_rss_mb=round(peak_rss_mb(), 1))
    print(f"{'what':<28}{'value':>12}")
    for k in ("dit_forward_s", "dit_forward_cpu_s", "gflops", "vocos_decode_s", "vocos_decode_cpu_s", "rtf_nfe32", "mel_s",
              "weights_mb", "peak_rss_mb"):
        print(f"{k:<28}{res[k]:>12}")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
