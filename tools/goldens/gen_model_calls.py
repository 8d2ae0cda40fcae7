#!/usr/bin/env python3
"""f5tts-*/sample_*.safetensors and forward_*.safetensors: upstream CFM.sample and one DiT call, with every DiT
submodule's output (the first ODE function evaluation for sample files).

cfm_sample: cond = the first 64 frames of upstream MelSpec of audio/ref_24k_mono.wav, text = TEXT converted and
  mapped with the model's vocab, duration 101, seed 1247; y0 and the time grid are what CFM.sample hands to odeint.
dit_forward: 104 frames; torch.manual_seed(1248), then x = randn for forward_cfg, then two rows for forward_masked
  (the second zeroed past its length 81); cond = the reference mel's first 64 frames (34 for the masked second
  row), zero-padded; text = TEXT (the masked second row: REF_TEXT, padded with -1); time 0.37, or 0.1 and 0.8.
usage: F5J_UPSTREAM=... gen_model_calls.py GOLDENS_DIR MODEL_DIR CHECKPOINT OUT_DIR
       (MODEL_DIR: model.yaml, vocab.txt; CHECKPOINT: pruned_ema.pt or model.safetensors-like EMA weights)
"""
import json
import os
import sys

import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402
from dump_activations import Recorder, load_yaml_arch  # noqa: E402

REF_TEXT = "O rato roeu a roupa do rei de Roma."
TEXT = REF_TEXT + " Olá, tudo bem? Eu sou uma voz sintética."
REF, COND_FRAMES, DURATION, SEED = "ref_24k_mono.wav", 64, 101, 1247
SAMPLES = [("euler", 8, 2.0, -1.0), ("euler", 16, 2.0, -1.0), ("euler", 7, 0.0, -1.0), ("midpoint", 6, 2.0, None)]
SAMPLE_WHAT = ("EMA weights. out, trajectory = CFM.sample(cond, text, duration, steps, cfg_strength, sway_sampling_coef, "
               "seed); y0 = the start noise (torch.manual_seed(seed); torch.randn(duration, 100)); t = the time grid; "
               "act/... = hook outputs during the first ODE function evaluation")
FRAMES, X_SEED, MASKED_COND, MASKED_LEN = 104, 1248, 34, 81
FORWARDS = {
    "forward_cfg": ("true", "EMA weights. pred = DiT(x, cond, text, time, mask=None, cfg_infer=True, cache=False): rows 0 "
                            "and 1 of pred are the conditional and unconditional (audio and text dropped) predictions; "
                            "act/... are forward-hook outputs of every DiT submodule (#k = k-th call)"),
    "forward_masked": ("false", "EMA weights. pred = DiT(x, cond, text (padded with -1), time, mask, cfg_infer=False, "
                                "cache=False)"),
}


def main(goldens, model_dir, checkpoint, out_dir):
    upstream.setup()
    import f5_tts.model.cfm as cfm_module
    from f5_tts.infer import utils_infer as U
    from f5_tts.model import DiT
    from f5_tts.model.modules import MelSpec
    from f5_tts.model.utils import convert_char_to_pinyin, lens_to_mask, list_str_to_idx

    arch = load_yaml_arch(os.path.join(model_dir, "model.yaml"))
    seen = {}
    odeint = cfm_module.odeint

    def recording_odeint(fn, y0, t, **kwargs):
        seen.update(y0=y0, t=t)
        return odeint(fn, y0, t, **kwargs)

    cfm_module.odeint = recording_odeint
    wave = torchaudio.load(os.path.join(goldens, "audio", REF))[0]
    cond = MelSpec()(wave).permute(0, 2, 1)[:, :COND_FRAMES]
    chars = convert_char_to_pinyin([TEXT])
    for method, steps, cfg, sway in SAMPLES:
        model = U.load_model(DiT, arch, checkpoint, mel_spec_type="vocos", vocab_file=os.path.join(model_dir, "vocab.txt"),
                             ode_method=method, use_ema=True, device="cpu")
        dit = model.transformer
        text = list_str_to_idx(chars, model.vocab_char_map)
        rec = Recorder(dit)
        handle = dit.register_forward_hook(lambda *_: setattr(rec, "active", False))  # first evaluation only
        rec.active = True
        with torch.inference_mode():
            out, trajectory = model.sample(cond=cond, text=text, duration=DURATION, steps=steps, cfg_strength=cfg,
                                           sway_sampling_coef=sway, seed=SEED)
        handle.remove()
        upstream.write_safetensors(os.path.join(out_dir, f"sample_{method}_nfe{steps}_cfg{cfg:g}.safetensors"), {
            "inputs/cond": cond, "inputs/text": text, "inputs/y0": seen["y0"].reshape(DURATION, -1),
            "inputs/t": seen["t"], "out/trajectory": trajectory, "out/mel": out, **rec.acts}, {
            "kind": "cfm_sample", "weights": "ema", "what": SAMPLE_WHAT, "method": method, "steps": steps,
            "cfg_strength": float(cfg), "sway_sampling_coef": json.dumps(sway), "seed": SEED, "duration": DURATION,
            "text_chars": json.dumps(chars[0], ensure_ascii=False), "arch": json.dumps(arch)})
    pad = torch.nn.functional.pad
    torch.manual_seed(X_SEED)
    x_cfg = torch.randn(1, FRAMES, 100)
    x_masked = torch.stack([torch.randn(FRAMES, 100), torch.randn(FRAMES, 100)])
    mask = lens_to_mask(torch.tensor([FRAMES, MASKED_LEN]))
    x_masked = x_masked * mask[..., None]
    ids = list_str_to_idx(chars + convert_char_to_pinyin([REF_TEXT]), model.vocab_char_map)
    cond_masked = torch.cat([pad(cond, (0, 0, 0, FRAMES - COND_FRAMES)),
                             pad(cond[:, :MASKED_COND], (0, 0, 0, FRAMES - MASKED_COND))])
    all_inputs = {
        "forward_cfg": {"inputs/x": x_cfg, "inputs/cond": cond_masked[:1], "inputs/text": ids[:1],
                        "inputs/time": torch.tensor(0.37)},
        "forward_masked": {"inputs/x": x_masked, "inputs/cond": cond_masked, "inputs/text": ids,
                           "inputs/time": torch.tensor([0.1, 0.8]), "inputs/mask": mask},
    }
    for file, (cfg_infer, what) in FORWARDS.items():
        inputs = all_inputs[file]
        rec = Recorder(dit)
        rec.active = True
        with torch.inference_mode():
            pred = dit(x=inputs["inputs/x"], cond=inputs["inputs/cond"], text=inputs["inputs/text"],
                       time=inputs["inputs/time"], mask=inputs.get("inputs/mask"), cfg_infer=cfg_infer == "true",
                       cache=False)
        upstream.write_safetensors(os.path.join(out_dir, file + ".safetensors"), {**inputs, "out/pred": pred, **rec.acts},
                                   {"kind": "dit_forward", "cfg_infer": cfg_infer, "weights": "ema", "what": what,
                                    "arch": json.dumps(arch)})


if __name__ == "__main__":
    main(*sys.argv[1:5])
