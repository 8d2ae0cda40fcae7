#!/usr/bin/env python3
"""Record every DiT layer of an F5-TTS run with PyTorch, in the f5j golden format, for `f5j audit --compare`.

For users who have the upstream `f5-tts` package: forward hooks on every DiT submodule (paths from
named_modules(), K-th call -> `act/MODULE#K`, tuple outputs -> `#K.I`, Dropout skipped) record the first
ODE function evaluation of either path:

  train  - what the trainer logs as a sample: the online weights (`model_state_dict`), the reference mel
           straight from the audio (mono, resampled, no trimming or loudness change), the dataset text twice,
           duration = 2 x the reference frames, optionally under autocast (--precision fp16|bf16);
  infer  - what infer_cli does: the EMA weights, preprocess_ref_audio_text, rms raised to 0.1,
           convert_char_to_pinyin(ref_text + gen_text) (first chunk), the byte-count duration estimate,
           the model cast to --precision (fp16 is what CUDA inference uses).

--kind dit_forward writes one classifier-free-guidance DiT call at the first ODE step (inputs/x, cond, text,
time; out/pred); --kind cfm_sample the whole CFM.sample (inputs/cond, text, y0, t; out/trajectory, out/mel)
with act/ from its first function evaluation. The file is a plain safetensors file written by hand (the
safetensors package is not needed): 8-byte little-endian header length, JSON header, raw data.

--inputs-from FILE takes x/cond/text/time (or cond/text/y0) from an existing golden or dump file instead
of building a path, and --mirror uses tools/f5tts_mirror.py instead of the f5-tts package (for testing).

Example:
  python3 tools/dump_activations.py --checkpoint ckpts/model_1200000.pt --config F5TTS_v1_Base.yaml \\
      --vocab vocab.txt --path infer --ref-audio ref.wav --ref-text "..." --gen-text "..." --seed 7 \\
      --out infer_dump.safetensors
  ./f5j audit --compare infer_dump.safetensors --checkpoint ckpts/model_1200000.pt --config F5TTS_v1_Base.yaml
"""
from __future__ import annotations

import argparse
import json
import os
import struct
import sys

import torch
from torch import nn

DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.bool: "BOOL"}
FROM_ST = {"F32": torch.float32, "I64": torch.int64, "BOOL": torch.bool, "F16": torch.float16,
           "BF16": torch.bfloat16, "I32": torch.int32}


def write_safetensors(path: str, tensors: dict, metadata: dict) -> None:
    """Writes a safetensors file atomically (tmp file + rename)."""
    header, blobs, offset = {"__metadata__": {k: str(v) for k, v in metadata.items()}}, [], 0
    for name, t in tensors.items():
        t = t.detach().cpu()
        if t.is_floating_point():
            t = t.float()
        elif t.dtype != torch.bool:
            t = t.long()
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, ensure_ascii=False).encode("utf-8")
    h += b" " * (-len(h) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def read_safetensors(path: str):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for name, h in header.items():
        a, b = h["data_offsets"]
        buf = bytearray(data[a:b])
        t = torch.frombuffer(buf, dtype=FROM_ST[h["dtype"]]) if b > a else torch.empty(0, dtype=FROM_ST[h["dtype"]])
        out[name] = t.reshape(h["shape"])
    return out, meta


class Recorder:
    """Forward hooks on every submodule of `model`; records only while `active`."""

    def __init__(self, model: nn.Module, perturb: str | None = None):
        self.acts, self.calls, self.active = {}, {}, False
        self.perturb = perturb
        for name, m in model.named_modules():
            if name and not isinstance(m, nn.Dropout):
                m.register_forward_hook(self._hook(name))

    def _hook(self, name):
        def hook(_module, _inputs, output):
            if not self.active:
                return None
            if name == self.perturb and torch.is_tensor(output):
                # a deliberate error, so a test can check that the comparison names this layer first
                output = output + 1e-2 * output.abs().max()
            k = self.calls.get(name, 0)
            self.calls[name] = k + 1
            if torch.is_tensor(output):
                self.acts[f"act/{name}#{k}"] = output.detach().float().clone()
            elif isinstance(output, (tuple, list)):
                for i, o in enumerate(output):
                    if torch.is_tensor(o):
                        self.acts[f"act/{name}#{k}.{i}"] = o.detach().float().clone()
            return output if name == self.perturb else None
        return hook


def load_yaml_arch(path: str) -> dict:
    import yaml  # PyYAML comes with the f5-tts package's dependencies
    with open(path) as f:
        cfg = yaml.safe_load(f)
    return dict(cfg["model"]["arch"])


def read_vocab(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return {line[:-1] if line.endswith("\n") else line: i for i, line in enumerate(f)}


def state_dict(checkpoint: str, weights: str) -> dict:
    """The transformer's weights (keys without `transformer.`), EMA or online, as upstream loads them."""
    if checkpoint.endswith(".safetensors"):
        sd, _ = read_safetensors(checkpoint)
        if weights == "online":
            sys.exit(f"{checkpoint}: a .safetensors release holds only EMA weights; use the trainer's model_N.pt")
    else:
        ck = torch.load(checkpoint, map_location="cpu")
        if weights == "ema":
            sd = ck["ema_model_state_dict"] if "ema_model_state_dict" in ck else ck
        else:
            if "model_state_dict" not in ck:
                sys.exit(f"{checkpoint}: no model_state_dict (online weights); only a full trainer checkpoint has them")
            sd = ck["model_state_dict"]
    out = {}
    for k, v in sd.items():
        k = k[len("ema_model."):] if k.startswith("ema_model.") else k
        if k.startswith("transformer."):
            out[k[len("transformer."):]] = v.float() if v.is_floating_point() else v
    return out


def build_model(args, arch: dict, vocab_size: int):
    if args.mirror:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from f5tts_mirror import CFM, DiT
        dit = DiT(**arch, text_num_embeds=vocab_size, mel_dim=100)
        cfm = CFM(dit, method=args.method)
    else:
        from f5_tts.model import CFM, DiT
        dit = DiT(**arch, text_num_embeds=vocab_size, mel_dim=100)
        cfm = CFM(transformer=dit, odeint_kwargs=dict(method=args.method))
    missing, unexpected = dit.load_state_dict(state_dict(args.checkpoint, args.weights), strict=False)
    if missing:
        sys.exit(f"{args.checkpoint}: tensors missing for this architecture: {', '.join(missing[:8])}")
    return cfm.eval(), dit.eval()


def mel_of(wav, sr):
    """The upstream MelSpec of a mono 24 kHz wave (vocos type)."""
    from f5_tts.model.modules import MelSpec
    return MelSpec(mel_spec_type="vocos")(wav).permute(0, 2, 1)


def path_inputs(args, vocab):
    """cond (1 n 100), text ids (1 nt), duration of the chosen path, built with upstream's own functions."""
    import torchaudio
    from f5_tts.model.utils import convert_char_to_pinyin, list_str_to_idx
    hop, sr_target = 256, 24000
    if args.path == "train":
        audio, sr = torchaudio.load(args.ref_audio)
        if audio.shape[0] > 1:
            audio = audio.mean(dim=0, keepdim=True)
        if sr != sr_target:
            audio = torchaudio.transforms.Resample(sr, sr_target)(audio)
        cond = mel_of(audio, sr_target)
        text = args.dataset_text if args.dataset_text is not None else args.ref_text
        ids = list_str_to_idx([text + " " + text], vocab)
        return cond, ids, 2 * cond.shape[1]
    from f5_tts.infer.utils_infer import chunk_text, preprocess_ref_audio_text
    ref_file, ref_text = preprocess_ref_audio_text(args.ref_audio, args.ref_text, show_info=lambda *_: None)
    audio, sr = torchaudio.load(ref_file)
    if audio.shape[0] > 1:
        audio = audio.mean(dim=0, keepdim=True)
    rms = torch.sqrt(torch.mean(torch.square(audio)))
    if rms < 0.1:
        audio = audio * 0.1 / rms
    if sr != sr_target:
        audio = torchaudio.transforms.Resample(sr, sr_target)(audio)
    max_chars = int(len(ref_text.encode("utf-8")) / (audio.shape[-1] / sr_target) * (22 - audio.shape[-1] / sr_target))
    gen_text = chunk_text(args.gen_text, max_chars=max_chars)[0]
    if len(ref_text[-1].encode("utf-8")) == 1:
        ref_text = ref_text + " "
    ids = list_str_to_idx(convert_char_to_pinyin([ref_text + gen_text]), vocab)
    ref_len = audio.shape[-1] // hop
    speed = 0.3 if len(gen_text.encode("utf-8")) < 10 else 1.0
    duration = ref_len + int(ref_len / len(ref_text.encode("utf-8")) * len(gen_text.encode("utf-8")) / speed)
    return mel_of(audio, sr_target), ids, duration


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkpoint", required=True, help="model_N.pt, pruned .pt or .safetensors")
    ap.add_argument("--config", help="model.yaml in the upstream layout (model.arch)")
    ap.add_argument("--vocab", required=True, help="vocab.txt")
    ap.add_argument("--path", choices=["train", "infer"], default="infer")
    ap.add_argument("--weights", choices=["ema", "online"], help="default: online for train, ema for infer")
    ap.add_argument("--kind", choices=["dit_forward", "cfm_sample"], default="dit_forward")
    ap.add_argument("--ref-audio")
    ap.add_argument("--ref-text", default="")
    ap.add_argument("--gen-text", default="")
    ap.add_argument("--dataset-text", help="the row's text as stored in the prepared dataset (train path)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--nfe", type=int, default=32)
    ap.add_argument("--cfg", type=float, default=2.0)
    ap.add_argument("--sway", type=float, default=-1.0)
    ap.add_argument("--method", default="euler")
    ap.add_argument("--precision", choices=["fp32", "fp16", "bf16"], default="fp32",
                    help="train: autocast dtype; infer: the dtype the model is cast to (CUDA inference: fp16)")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--inputs-from", help="take the inputs from this golden/dump file instead of building a path")
    ap.add_argument("--mirror", action="store_true", help="use tools/f5tts_mirror.py instead of the f5-tts package")
    ap.add_argument("--perturb", help="(testing) add an error to this module's output")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    args.weights = args.weights or ("online" if args.path == "train" else "ema")

    given, given_meta = read_safetensors(args.inputs_from) if args.inputs_from else ({}, {})
    if "arch" in given_meta and not args.config:
        arch = json.loads(given_meta["arch"])
    elif args.config:
        arch = load_yaml_arch(args.config)
    else:
        sys.exit("--config is needed (or --inputs-from a file with arch metadata)")
    vocab = read_vocab(args.vocab)
    cfm, dit = build_model(args, arch, len(vocab))
    rec = Recorder(dit, args.perturb)

    if args.inputs_from:
        cond, text = given["inputs/cond"], given["inputs/text"]
        duration = int(given_meta.get("duration", given.get("inputs/x", given.get("inputs/y0")).shape[-2]))
        y0 = given.get("inputs/y0")
        if y0 is None and "inputs/x" in given:
            y0 = given["inputs/x"].reshape(-1, given["inputs/x"].shape[-1])
    else:
        if not args.ref_audio:
            sys.exit("--ref-audio is needed to build a path (or give --inputs-from)")
        cond, text, duration = path_inputs(args, vocab)
        y0 = None

    low = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(args.precision)
    device = torch.device(args.device)
    cfm.to(device)
    if low is not None and args.path == "infer":
        cfm.to(low)
    autocast = (torch.autocast(device_type=device.type, dtype=low) if low is not None and args.path == "train"
                else torch.autocast(device_type=device.type, enabled=False))
    dtype = low if low is not None and args.path == "infer" else torch.float32
    cond, text = cond.to(device, dtype), text.to(device)

    meta = {"arch": json.dumps(arch), "weights": args.weights, "path": args.path, "precision": args.precision,
            "checkpoint": os.path.basename(args.checkpoint)}
    tensors = {}
    with torch.inference_mode(), autocast:
        if args.kind == "dit_forward":
            if "inputs/x" in given:
                n = given["inputs/x"].shape[1]
            else:
                n = max(max(int((text != -1).sum()), cond.shape[1]) + 1, duration)
            if y0 is None:
                torch.manual_seed(args.seed)
                y0 = torch.randn(n, cond.shape[-1])
            x = y0.reshape(1, n, -1).to(device, dtype)
            if "inputs/x" in given:
                cond_full = cond
                time = given["inputs/time"].to(device, dtype)
            else:
                cond_full = torch.nn.functional.pad(cond, (0, 0, 0, n - cond.shape[1]))
                sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
                from f5tts_mirror import time_grid
                time = time_grid(args.nfe, args.sway)[0].to(device, dtype)
            rec.active = True
            pred = dit(x=x, cond=cond_full, text=text, time=time, mask=None, cfg_infer=True, cache=False)
            rec.active = False
            tensors.update({"inputs/x": x, "inputs/cond": cond_full, "inputs/text": text, "inputs/time": time,
                            "out/pred": pred})
            meta.update(kind="dit_forward", cfg_infer="true",
                        what="pred = DiT(x, cond, text, time, mask=None, cfg_infer=True) at the first ODE step")
        else:
            first = {"done": False}

            def once(_m, _i, _o):
                rec.active = False  # only the first function evaluation is recorded
                first["done"] = True

            rec.active = True
            handle = dit.register_forward_hook(once)
            if args.mirror:
                out, traj, y0, t = cfm.sample(cond, text, duration, steps=args.nfe, cfg_strength=args.cfg,
                                              sway_sampling_coef=args.sway, seed=args.seed, y0=y0)
            else:
                out, traj = cfm.sample(cond=cond, text=text, duration=duration, steps=args.nfe,
                                       cfg_strength=args.cfg, sway_sampling_coef=args.sway, seed=args.seed)
                torch.manual_seed(args.seed)
                y0 = torch.randn(traj.shape[-2], traj.shape[-1])
                sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
                from f5tts_mirror import time_grid
                t = time_grid(args.nfe, args.sway)
            handle.remove()
            tensors.update({"inputs/cond": cond, "inputs/text": text, "inputs/y0": y0, "inputs/t": t,
                            "out/trajectory": traj, "out/mel": out})
            meta.update(kind="cfm_sample", method=args.method, steps=args.nfe, cfg_strength=args.cfg,
                        sway_sampling_coef=args.sway, seed=args.seed, duration=int(traj.shape[-2]),
                        what="out, trajectory = CFM.sample(...); act/ = the first ODE function evaluation")
    tensors.update(rec.acts)
    write_safetensors(args.out, tensors, {"kind": meta.pop("kind"), **meta})
    print(f"{args.out}: {len(rec.acts)} activations, kind {args.kind}, {args.path} path, {args.weights} weights")


if __name__ == "__main__":
    main()
