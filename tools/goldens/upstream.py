"""Imports the upstream F5-TTS / Vocos code from source checkouts, under Debian's PyTorch 1.13.

F5J_UPSTREAM names a folder holding checkouts (any commit of the 2026-05 snapshot era) named after their
repositories: F5-TTS (SWivid), vocos (gemelo-ai), x-transformers (lucidrains), ema-pytorch (lucidrains),
torchdiffeq (rtqichen), einops (arogozhnikov), python-pinyin (mozillazg), pydub (jiaaro). Only pure-Python
code is taken from them; jieba 0.42.1 and tqdm come from Debian (python3-jieba, python3-tqdm).

Shims, for what neither Debian nor a pure-Python checkout provides here (each replaces an import that the
recorded paths do not use, or restates the one call they make):
  rjieba              jieba 0.42.1's cut (the goldens README: it segments the same regex blocks)
  librosa.filters     mel = torchaudio's melscale_fbanks, slaney scale and norm (librosa's default); only
                      bigvgan's mel basis uses it
  x_transformers      its __init__ pulls loguru, einx, torch_einops_utils; the F5 DiT uses RotaryEmbedding and
                      apply_rotary_pos_emb only, whose definitions are read out of the checkout and run as they are
  F.scaled_dot_product_attention   (torch 2.0) softmax(q k^T / sqrt(d), masked) v: the F5 Attention's only use
  torch.xpu           is_available() = False (utils_infer's device probe; torch 1.13 has no xpu)
  encodec, scipy(.integrate), matplotlib, huggingface_hub, transformers
                      empty stand-ins for imports on paths not taken here (EncodecFeatures, IMDCT, torchdiffeq's
                      scipy solver, plots, downloads, ASR); calling into them raises
f5_tts.model's __init__ imports the Trainer (accelerate, wandb): the package is registered without running it
and exposes CFM and DiT, all that utils_infer takes from it.
"""
from __future__ import annotations

import ast
import os
import sys
import types

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

import torch  # noqa: E402
import torchaudio  # noqa: E402

from dump_activations import read_safetensors, write_safetensors  # noqa: E402,F401  (one copy of the format)

CHECKOUTS = {  # repository folder -> folder to put on sys.path
    "F5-TTS": "src", "vocos": "", "x-transformers": None, "ema-pytorch": "", "torchdiffeq": "",
    "einops": "", "python-pinyin": "", "pydub": "",
}


def root() -> str:
    r = os.environ.get("F5J_UPSTREAM")
    if not r or not os.path.isdir(r):
        sys.exit("F5J_UPSTREAM must name a folder of upstream checkouts (see tools/goldens/upstream.py)")
    missing = [c for c in CHECKOUTS if not os.path.isdir(os.path.join(r, c))]
    if missing:
        sys.exit(f"{r}: missing checkouts: {', '.join(missing)}")
    return r


def _stub(name: str, **attrs) -> types.ModuleType:
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    if "." in name:
        parent, _, leaf = name.rpartition(".")
        setattr(sys.modules[parent], leaf, m)
    return m


def _unavailable(what):
    def f(*a, **k):
        raise RuntimeError(f"{what} is not available in the golden generator")
    return f


def _librosa_mel(*, sr, n_fft, n_mels=128, fmin=0.0, fmax=None, **_):
    fb = torchaudio.functional.melscale_fbanks(n_fft // 2 + 1, float(fmin), float(fmax or sr / 2), n_mels, sr,
                                               norm="slaney", mel_scale="slaney")
    return fb.T.contiguous().numpy()


def _sdpa(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """torch 2's F.scaled_dot_product_attention, as its math path computes it (no dropout, no causal mask)."""
    if dropout_p or is_causal:
        raise RuntimeError("the golden generator's scaled_dot_product_attention has no dropout or causal mask")
    s = query @ key.transpose(-2, -1) * (scale if scale is not None else query.shape[-1] ** -0.5)
    if attn_mask is not None:
        s = s.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else s + attn_mask
    return torch.softmax(s, dim=-1) @ value


def _x_transformers(src: str):
    """Executes the checkout's definitions of the rotary embedding (and the helpers they call) alone."""
    path = os.path.join(src, "x_transformers", "x_transformers.py")
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    want = {"exists", "default", "RotaryEmbedding", "rotate_half", "apply_rotary_pos_emb"}
    body = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in want]
    if {n.name for n in body} != want:
        sys.exit(f"{path}: expected definitions {sorted(want)}")
    from einops import rearrange
    ns = {"torch": torch, "nn": torch.nn, "Module": torch.nn.Module, "autocast": torch.amp.autocast,
          "rearrange": rearrange, "arange": torch.arange, "stack": torch.stack, "cat": torch.cat,
          "is_tensor": torch.is_tensor, "einsum": torch.einsum, "__name__": "x_transformers.x_transformers"}
    exec(compile(ast.Module(body=body, type_ignores=[]), path, "exec"), ns)
    _stub("x_transformers")
    _stub("x_transformers.x_transformers", **{k: ns[k] for k in want})


def setup() -> str:
    """Puts the checkouts on sys.path and installs the shims; returns F5J_UPSTREAM."""
    r = root()
    for c, sub in CHECKOUTS.items():
        if sub is not None:
            sys.path.insert(0, os.path.join(r, c, sub))
    import jieba
    jieba.setLogLevel(60)
    _stub("rjieba", cut=lambda text: list(jieba.cut(text)))
    _stub("librosa")
    _stub("librosa.filters", mel=_librosa_mel)
    if not hasattr(torch.nn.functional, "scaled_dot_product_attention"):
        torch.nn.functional.scaled_dot_product_attention = _sdpa
    if not hasattr(torch, "xpu"):  # utils_infer probes it when choosing a device; 1.13 predates it
        torch.xpu = types.SimpleNamespace(is_available=lambda: False)
    _stub("encodec", EncodecModel=type("EncodecModel", (), {}))
    _stub("scipy")
    _stub("scipy.integrate", solve_ivp=_unavailable("scipy.integrate.solve_ivp"))
    _stub("matplotlib", use=lambda *a, **k: None)
    _stub("matplotlib.pylab")
    _stub("matplotlib.pyplot")
    _stub("huggingface_hub", hf_hub_download=_unavailable("hf_hub_download"))
    _stub("transformers", pipeline=_unavailable("transformers.pipeline"))
    _x_transformers(os.path.join(r, "x-transformers"))
    pkg = os.path.join(r, "F5-TTS", "src", "f5_tts")
    _stub("f5_tts").__path__ = [pkg]
    _stub("f5_tts.model").__path__ = [os.path.join(pkg, "model")]
    from f5_tts.model.backbones.dit import DiT
    from f5_tts.model.cfm import CFM
    sys.modules["f5_tts.model"].DiT, sys.modules["f5_tts.model"].CFM = DiT, CFM
    return r

