"""A compact plain-PyTorch mirror of the upstream F5-TTS DiT and CFM sampler (SWivid/F5-TTS).

Test helper for tools/dump_activations.py where the f5-tts package cannot be installed: the module
tree has the same names as upstream's (so forward hooks see the same paths and a state dict of a real
checkpoint loads unchanged), the arithmetic follows the upstream definitions. Needs only torch (>= 1.13;
attention is written out, because scaled_dot_product_attention arrived in 2.0).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def sinus_freqs(dim: int, end: int) -> torch.Tensor:
    """Rows [cos | sin] of position * 10000^(-2i/dim), the fixed text position table."""
    inv = 1.0 / (10000.0 ** (torch.arange(0, dim, 2)[: dim // 2].float() / dim))
    ang = torch.outer(torch.arange(end), inv).float()
    return torch.cat([torch.cos(ang), torch.sin(ang)], dim=-1)


class SinusPositionEmbedding(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, x, scale=1000):
        half = self.dim // 2
        step = math.log(10000) / (half - 1)
        f = torch.exp(torch.arange(half).float() * -step)
        a = scale * x.unsqueeze(1) * f.unsqueeze(0)
        return torch.cat((a.sin(), a.cos()), dim=-1)


class TimestepEmbedding(nn.Module):
    def __init__(self, dim, freq_dim=256):
        super().__init__()
        self.time_embed = SinusPositionEmbedding(freq_dim)
        self.time_mlp = nn.Sequential(nn.Linear(freq_dim, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, t):
        return self.time_mlp(self.time_embed(t).to(t.dtype))


class GRN(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, dim))
        self.beta = nn.Parameter(torch.zeros(1, 1, dim))

    def forward(self, x):
        g = torch.norm(x, p=2, dim=1, keepdim=True)  # over the sequence axis
        n = g / (g.mean(dim=-1, keepdim=True) + 1e-6)
        return self.gamma * (x * n) + self.beta + x


class ConvNeXtV2Block(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.dwconv = nn.Conv1d(dim, dim, kernel_size=7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.grn = GRN(hidden)
        self.pwconv2 = nn.Linear(hidden, dim)

    def forward(self, x):
        y = self.dwconv(x.transpose(1, 2)).transpose(1, 2)
        y = self.pwconv2(self.grn(self.act(self.pwconv1(self.norm(y)))))
        return x + y


class TextEmbedding(nn.Module):
    def __init__(self, num_embeds, dim, mask_padding=True, conv_layers=0):
        super().__init__()
        self.text_embed = nn.Embedding(num_embeds + 1, dim)  # id 0 is the filler
        self.mask_padding = mask_padding
        self.conv_layers = conv_layers
        if conv_layers > 0:
            self.register_buffer("freqs_cis", sinus_freqs(dim, 8192), persistent=False)
            self.text_blocks = nn.Sequential(*[ConvNeXtV2Block(dim, dim * 2) for _ in range(conv_layers)])

    def forward(self, text, seq_len, drop_text=False):
        text = text + 1  # batch padding -1 becomes the filler 0
        text = text[:, :seq_len]
        text = F.pad(text, (0, seq_len - text.shape[1]), value=0)
        pad = text == 0
        if drop_text:
            text = torch.zeros_like(text)
        x = self.text_embed(text)
        if self.conv_layers > 0:
            x = x + self.freqs_cis[:seq_len, :]
            if self.mask_padding:
                x = x.masked_fill(pad.unsqueeze(-1), 0.0)
                for block in self.text_blocks:
                    x = block(x).masked_fill(pad.unsqueeze(-1), 0.0)
            else:
                x = self.text_blocks(x)
        return x


class ConvPositionEmbedding(nn.Module):
    def __init__(self, dim, kernel=31, groups=16):
        super().__init__()
        self.conv1d = nn.Sequential(
            nn.Conv1d(dim, dim, kernel, groups=groups, padding=kernel // 2), nn.Mish(),
            nn.Conv1d(dim, dim, kernel, groups=groups, padding=kernel // 2), nn.Mish())

    def forward(self, x, mask=None):
        x = x.permute(0, 2, 1)
        m = None if mask is None else mask.unsqueeze(1)
        if m is not None:
            x = x.masked_fill(~m, 0.0)
        for i, layer in enumerate(self.conv1d):
            x = layer(x)
            if m is not None and isinstance(layer, nn.Conv1d):
                x = x.masked_fill(~m, 0.0)
        return x.permute(0, 2, 1)


class InputEmbedding(nn.Module):
    def __init__(self, mel_dim, text_dim, dim):
        super().__init__()
        self.proj = nn.Linear(mel_dim * 2 + text_dim, dim)
        self.conv_pos_embed = ConvPositionEmbedding(dim)

    def forward(self, x, cond, text_embed, drop_audio_cond=False, mask=None):
        if drop_audio_cond:
            cond = torch.zeros_like(cond)
        x = self.proj(torch.cat((x, cond, text_embed), dim=-1))
        return self.conv_pos_embed(x, mask=mask) + x


class RotaryEmbedding(nn.Module):
    """x-transformers' rotary table: angles position * inv_freq, each repeated for an adjacent pair."""

    def __init__(self, dim):
        super().__init__()
        self.register_buffer("inv_freq", 1.0 / (10000 ** (torch.arange(0, dim, 2).float() / dim)))

    def forward_from_seq_len(self, n):
        a = torch.einsum("i,j->ij", torch.arange(n).float(), self.inv_freq)
        return torch.stack((a, a), dim=-1).reshape(1, n, -1)


def rotate_pairs(t, freqs):
    x = t.reshape(*t.shape[:-1], -1, 2)
    rot = torch.stack((-x[..., 1], x[..., 0]), dim=-1).reshape(t.shape)
    f = freqs.unsqueeze(1)  # b 1 n d against b h n d
    return t * f.cos() + rot * f.sin()


class Attention(nn.Module):
    def __init__(self, dim, heads, dim_head, qk_norm=None, pe_attn_head=None, attn_mask_enabled=False):
        super().__init__()
        self.heads, self.pe_attn_head, self.attn_mask_enabled = heads, pe_attn_head, attn_mask_enabled
        inner = heads * dim_head
        self.to_q, self.to_k, self.to_v = nn.Linear(dim, inner), nn.Linear(dim, inner), nn.Linear(dim, inner)
        if qk_norm == "rms_norm":
            self.q_norm, self.k_norm = RMSNorm(dim_head), RMSNorm(dim_head)
        else:
            self.q_norm = self.k_norm = None
        self.to_out = nn.ModuleList([nn.Linear(inner, dim), nn.Dropout(0.0)])

    def forward(self, x, mask=None, rope=None):
        b = x.shape[0]
        q, k, v = (f(x).view(b, -1, self.heads, f.out_features // self.heads).transpose(1, 2)
                   for f in (self.to_q, self.to_k, self.to_v))
        if self.q_norm is not None:
            q, k = self.q_norm(q), self.k_norm(k)
        if rope is not None:
            if self.pe_attn_head is not None:
                p = self.pe_attn_head
                q, k = q.clone(), k.clone()
                q[:, :p] = rotate_pairs(q[:, :p], rope)
                k[:, :p] = rotate_pairs(k[:, :p], rope)
            else:
                q, k = rotate_pairs(q, rope), rotate_pairs(k, rope)
        s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        if self.attn_mask_enabled and mask is not None:
            s = s.masked_fill(~mask[:, None, None, :], float("-inf"))
        o = (s.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, -1, q.shape[1] * q.shape[-1])
        o = self.to_out[1](self.to_out[0](o))
        if mask is not None:
            o = o.masked_fill(~mask.unsqueeze(-1), 0.0)
        return o


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class AdaLayerNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.silu = nn.SiLU()
        self.linear = nn.Linear(dim, dim * 6)
        self.norm = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)

    def forward(self, x, emb):
        sh, sc, g, sh2, sc2, g2 = torch.chunk(self.linear(self.silu(emb)), 6, dim=1)
        return self.norm(x) * (1 + sc[:, None]) + sh[:, None], g, sh2, sc2, g2


class AdaLayerNormFinal(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.silu = nn.SiLU()
        self.linear = nn.Linear(dim, dim * 2)
        self.norm = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)

    def forward(self, x, emb):
        scale, shift = torch.chunk(self.linear(self.silu(emb)), 2, dim=1)
        return self.norm(x) * (1 + scale)[:, None, :] + shift[:, None, :]


class FeedForward(nn.Module):
    def __init__(self, dim, mult):
        super().__init__()
        inner = int(dim * mult)
        self.ff = nn.Sequential(nn.Sequential(nn.Linear(dim, inner), nn.GELU(approximate="tanh")),
                                nn.Dropout(0.0), nn.Linear(inner, dim))

    def forward(self, x):
        return self.ff(x)


class DiTBlock(nn.Module):
    def __init__(self, dim, heads, dim_head, ff_mult, qk_norm, pe_attn_head, attn_mask_enabled):
        super().__init__()
        self.attn_norm = AdaLayerNorm(dim)
        self.attn = Attention(dim, heads, dim_head, qk_norm, pe_attn_head, attn_mask_enabled)
        self.ff_norm = nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)
        self.ff = FeedForward(dim, ff_mult)

    def forward(self, x, t, mask=None, rope=None):
        norm, g_msa, sh_mlp, sc_mlp, g_mlp = self.attn_norm(x, emb=t)
        x = x + g_msa.unsqueeze(1) * self.attn(norm, mask=mask, rope=rope)
        norm = self.ff_norm(x) * (1 + sc_mlp[:, None]) + sh_mlp[:, None]
        return x + g_mlp.unsqueeze(1) * self.ff(norm)


class DiT(nn.Module):
    def __init__(self, *, dim, depth=8, heads=8, dim_head=64, ff_mult=4, mel_dim=100, text_num_embeds=256,
                 text_dim=None, text_mask_padding=True, qk_norm=None, conv_layers=0, pe_attn_head=None,
                 attn_mask_enabled=False, long_skip_connection=False, **_ignored):
        super().__init__()
        text_dim = mel_dim if text_dim is None else text_dim
        self.time_embed = TimestepEmbedding(dim)
        self.text_embed = TextEmbedding(text_num_embeds, text_dim, text_mask_padding, conv_layers)
        self.input_embed = InputEmbedding(mel_dim, text_dim, dim)
        self.rotary_embed = RotaryEmbedding(dim_head)
        self.transformer_blocks = nn.ModuleList(
            [DiTBlock(dim, heads, dim_head, ff_mult, qk_norm, pe_attn_head, attn_mask_enabled) for _ in range(depth)])
        self.long_skip_connection = nn.Linear(dim * 2, dim, bias=False) if long_skip_connection else None
        self.norm_out = AdaLayerNormFinal(dim)
        self.proj_out = nn.Linear(dim, mel_dim)

    def embed(self, x, cond, text, drop_audio_cond, drop_text, mask):
        te = self.text_embed(text, x.shape[1], drop_text=drop_text)
        return self.input_embed(x, cond, te, drop_audio_cond=drop_audio_cond, mask=mask)

    def forward(self, x, cond, text, time, mask=None, drop_audio_cond=False, drop_text=False, cfg_infer=False,
                cache=False):
        b, n = x.shape[0], x.shape[1]
        if time.ndim == 0:
            time = time.repeat(b)
        t = self.time_embed(time)
        if cfg_infer:
            x = torch.cat((self.embed(x, cond, text, False, False, mask), self.embed(x, cond, text, True, True, mask)))
            t = torch.cat((t, t))
            mask = torch.cat((mask, mask)) if mask is not None else None
        else:
            x = self.embed(x, cond, text, drop_audio_cond, drop_text, mask)
        rope = self.rotary_embed.forward_from_seq_len(n)
        res = x
        for block in self.transformer_blocks:
            x = block(x, t, mask=mask, rope=rope)
        if self.long_skip_connection is not None:
            x = self.long_skip_connection(torch.cat((x, res), dim=-1))
        return self.proj_out(self.norm_out(x, t))


EPSS = {5: [0, 2, 4, 8, 16, 32], 6: [0, 2, 4, 6, 8, 16, 32], 7: [0, 2, 4, 6, 8, 16, 24, 32],
        10: [0, 2, 4, 6, 8, 12, 16, 20, 24, 28, 32], 12: [0, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32],
        16: [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32]}


def time_grid(steps, sway, dtype=torch.float32):
    """Upstream's grid: the pruned table where it has one for this step count, else uniform; then sway."""
    t = torch.tensor(EPSS[steps], dtype=dtype) / 32 if steps in EPSS else torch.linspace(0, 1, steps + 1, dtype=dtype)
    if sway is not None:
        t = t + sway * (torch.cos(torch.pi / 2 * t) - 1 + t)
    return t


class CFM(nn.Module):
    """Just the sampler (upstream CFM.sample for batch 1 with a mel condition), over `transformer`."""

    def __init__(self, transformer, method="euler"):
        super().__init__()
        self.transformer = transformer
        self.method = method

    @torch.no_grad()
    def sample(self, cond, text, duration, steps=32, cfg_strength=2.0, sway_sampling_coef=-1.0, seed=None,
               y0=None):
        n_ref = cond.shape[1]
        duration = max(max(int((text != -1).sum()), n_ref) + 1, int(duration))
        cond_mask = torch.zeros(1, duration, 1, dtype=torch.bool)
        cond_mask[:, :n_ref] = True
        step_cond = F.pad(cond, (0, 0, 0, duration - n_ref))
        if y0 is None:
            if seed is not None:
                torch.manual_seed(seed)
            y0 = torch.randn(duration, cond.shape[-1], dtype=step_cond.dtype)
        y = y0.reshape(1, duration, -1)

        def fn(t, x):
            if cfg_strength < 1e-5:
                return self.transformer(x=x, cond=step_cond, text=text, time=t, cache=True)
            pred, null = torch.chunk(self.transformer(x=x, cond=step_cond, text=text, time=t, cfg_infer=True,
                                                      cache=True), 2, dim=0)
            return pred + (pred - null) * cfg_strength

        t = time_grid(steps, sway_sampling_coef, step_cond.dtype)
        traj = [y]
        for i in range(len(t) - 1):
            dt = t[i + 1] - t[i]
            if self.method == "midpoint":
                y = y + dt * fn(t[i] + dt / 2, y + dt / 2 * fn(t[i], y))
            else:
                y = y + dt * fn(t[i], y)
            traj.append(y)
        out = torch.where(cond_mask, step_cond, traj[-1])
        return out, torch.stack(traj), y0, t
