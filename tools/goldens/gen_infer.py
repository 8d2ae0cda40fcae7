#!/usr/bin/env python3
"""f5tts-*/infer_*.safetensors: upstream utils_infer end to end: preprocess_ref_audio_text, then infer_process
with nfe 8, cfg 2, sway -1, speed 1, the EMA weights in CHECKPOINT (pruned_ema.pt: torch 1.13's weights_only
load cannot read model_2.pt's float scheduler state; the layouts hold the same EMA weights) and the Vocos in
VOCOS_DIR (config.yaml + pytorch_model.bin).

Upstream samples the chunks in a thread pool, each from the global RNG; to be repeatable the pool is replaced
by one that runs them in order and chunk i is sampled with sample(seed=SEED + i). The text and duration of
each sample call are recorded in 'chunks'.
usage: F5J_UPSTREAM=... gen_infer.py GOLDENS_DIR MODEL_DIR CHECKPOINT VOCOS_DIR OUT_DIR
        (MODEL_DIR: model.yaml, vocab.txt)
"""
import json
import os
import sys
from concurrent.futures import Future

import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402
from dump_activations import load_yaml_arch  # noqa: E402

REFS = {"infer_24k": "ref_24k_mono.wav", "infer_44k1_stereo": "ref_44k1_stereo.wav"}
REF_TEXT = "O rato roeu a roupa do rei de Roma."
GEN_TEXT = " ".join(["Olá, tudo bem? Eu sou uma voz sintética. Hoje o dia está lindo, e eu vou passear no parque "
                     "com os meus amigos. Depois, vamos almoçar juntos e conversar sobre a vida!"] * 3)
SEED = 1347
SETTINGS = dict(nfe_step=8, cfg_strength=2, sway_sampling_coef=-1, speed=1, target_rms=0.1, cross_fade_duration=0.15)


class InOrder:
    """A ThreadPoolExecutor stand-in that runs each task when it is submitted."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, fn, *args, **kwargs):
        f = Future()
        f.set_result(fn(*args, **kwargs))
        return f


def main(goldens, model_dir, checkpoint, vocos_dir, out_dir):
    upstream.setup()
    from f5_tts.infer import utils_infer as U
    from f5_tts.model import DiT

    U.ThreadPoolExecutor = InOrder
    arch = load_yaml_arch(os.path.join(model_dir, "model.yaml"))
    model = U.load_model(DiT, arch, checkpoint, mel_spec_type="vocos",
                         vocab_file=os.path.join(model_dir, "vocab.txt"), ode_method="euler", use_ema=True, device="cpu")
    vocoder = U.load_vocoder("vocos", is_local=True, local_path=vocos_dir, device="cpu")
    sample = model.sample
    for name, ref_file in REFS.items():
        chunks = []

        def seeded(*args, text, duration, **kwargs):
            chunks.append({"text_chars": "".join(text[0]), "seed": SEED + len(chunks), "duration": int(duration)})
            return sample(*args, text=text, duration=duration, seed=chunks[-1]["seed"], **kwargs)

        model.sample = seeded
        ref, ref_text = U.preprocess_ref_audio_text(os.path.join(goldens, "audio", ref_file), REF_TEXT)
        wave, sr, mel = U.infer_process(ref, ref_text, GEN_TEXT, model, vocoder, mel_spec_type="vocos",
                                        device="cpu", **SETTINGS)
        upstream.write_safetensors(os.path.join(out_dir, name + ".safetensors"), {
            "out/ref_preprocessed": torchaudio.load(ref)[0], "out/wave": torch.from_numpy(wave),
            "out/mel": torch.from_numpy(mel)}, {
            "kind": "infer_process", "weights": "ema", "vocoder": "../vocos-tiny",
            "what": "EMA weights, vocos in ../vocos-*/. ref_preprocessed = preprocess_ref_audio_text(audio/...) (pydub "
                    "clip + silence trim, 50 ms silence appended, 16-bit wav); wave, sr, mel = infer_process(ref, "
                    "ref_text, gen_text, nfe_step=8, cfg_strength=2, sway=-1, speed=1, target_rms=0.1, "
                    "cross_fade_duration=0.15); each chunk sampled with the seed listed in 'chunks' (sample(seed=...) "
                    "is called per chunk)",
            "ref_file": "../audio/" + ref_file, "ref_text_in": REF_TEXT, "ref_text_fixed": ref_text,
            "gen_text": GEN_TEXT, "sample_rate": sr, "chunks": json.dumps(chunks, ensure_ascii=False),
            "arch": json.dumps(arch)})
        os.unlink(ref)


if __name__ == "__main__":
    main(*sys.argv[1:6])
