#!/usr/bin/env python3
"""vocos-*/golden.safetensors: upstream Vocos loaded as F5-TTS' load_vocoder does (config.yaml + pytorch_model.bin),
features = feature_extractor(wav24k), audio = decode(features), every submodule's output during decode.

The weights are an input: MODEL_DIR (config.yaml + pytorch_model.bin); the golden records model = "." (the
file lies beside them).
usage: F5J_UPSTREAM=... gen_vocos.py GOLDENS_DIR MODEL_DIR OUT_FILE   (reads GOLDENS_DIR/audio/ref_24k_mono.wav)
"""
import os
import sys

import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402
from dump_activations import Recorder  # noqa: E402


def main(goldens, model_dir, out_file):
    upstream.setup()
    from f5_tts.infer.utils_infer import load_vocoder

    vocoder = load_vocoder("vocos", is_local=True, local_path=model_dir, device="cpu")
    wav24k = torchaudio.load(os.path.join(goldens, "audio", "ref_24k_mono.wav"))[0]
    rec = Recorder(vocoder)
    with torch.inference_mode():
        features = vocoder.feature_extractor(wav24k)
        rec.active = True
        audio = vocoder.decode(features)
        rec.active = False
    upstream.write_safetensors(out_file, {"inputs/wav24k": wav24k, "out/features": features, "out/audio": audio,
                                          **rec.acts}, {
        "kind": "vocos", "model": ".",
        "what": "features = vocoder.feature_extractor(wav24k); audio = vocoder.decode(features); act/<module>#<call> "
                "are forward-hook outputs of every submodule during decode (and feature extraction)"})


if __name__ == "__main__":
    main(*sys.argv[1:4])
