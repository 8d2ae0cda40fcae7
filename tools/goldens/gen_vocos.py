#!/usr/bin/env python3
"""vocos-tiny/: the tiny Vocos and its golden.

pytorch_model.bin: upstream Vocos.from_hparams(config.yaml) (the architecture, copied from GOLDENS_DIR/vocos-tiny),
  then torch.manual_seed(1241) and every parameter drawn as gen_checkpoints.randomize does, with gain 0.7;
  saved as its state_dict, the layout of charactr/vocos-mel-24khz.
golden.safetensors: that Vocos loaded as F5-TTS' load_vocoder does, features = feature_extractor(wav24k),
  audio = decode(features), every submodule's output during decode; model = "." (the weights lie beside it).
usage: F5J_UPSTREAM=... gen_vocos.py GOLDENS_DIR OUT_DIR   (writes OUT_DIR/vocos-tiny; reads GOLDENS_DIR/audio)
"""
import os
import shutil
import sys

import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402
from dump_activations import Recorder  # noqa: E402
from gen_checkpoints import randomize  # noqa: E402

SEED, GAIN = 1241, 0.7


def main(goldens, out_dir):
    upstream.setup()
    from f5_tts.infer.utils_infer import load_vocoder
    from vocos import Vocos

    model_dir = os.path.join(out_dir, "vocos-tiny")
    os.makedirs(model_dir, exist_ok=True)
    shutil.copyfile(os.path.join(goldens, "vocos-tiny", "config.yaml"), os.path.join(model_dir, "config.yaml"))
    fresh = Vocos.from_hparams(os.path.join(model_dir, "config.yaml"))
    torch.manual_seed(SEED)
    randomize(fresh, GAIN)
    torch.save(fresh.state_dict(), os.path.join(model_dir, "pytorch_model.bin"))

    vocoder = load_vocoder("vocos", is_local=True, local_path=model_dir, device="cpu")
    wav24k = torchaudio.load(os.path.join(goldens, "audio", "ref_24k_mono.wav"))[0]
    rec = Recorder(vocoder)
    with torch.inference_mode():
        features = vocoder.feature_extractor(wav24k)
        rec.active = True
        audio = vocoder.decode(features)
        rec.active = False
    upstream.write_safetensors(os.path.join(model_dir, "golden.safetensors"), {"inputs/wav24k": wav24k, "out/features": features, "out/audio": audio,
                                          **rec.acts}, {
        "kind": "vocos", "model": ".",
        "what": "features = vocoder.feature_extractor(wav24k); audio = vocoder.decode(features); act/<module>#<call> "
                "are forward-hook outputs of every submodule during decode (and feature extraction)"})


if __name__ == "__main__":
    main(*sys.argv[1:3])
