#!/usr/bin/env python3
"""frontend.safetensors: upstream MelSpec (vocos and bigvgan mel) of the 24 kHz clip, and torchaudio's default
Resample of the 44.1 kHz stereo clip (mono mix, as infer_batch_process does) and of the 16 kHz clip.

usage: F5J_UPSTREAM=... gen_frontend.py GOLDENS_DIR OUT_DIR   (reads GOLDENS_DIR/audio/*.wav)
"""
import os
import sys

import torch
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import upstream  # noqa: E402


def main(goldens, out_dir):
    upstream.setup()
    from f5_tts.model.modules import MelSpec

    def load(name):
        return torchaudio.load(os.path.join(goldens, "audio", name))[0]

    wav24k, wav44k1, wav16k = load("ref_24k_mono.wav"), load("ref_44k1_stereo.wav"), load("ref_16k_mono.wav")
    with torch.inference_mode():
        t = {
            "inputs/wav24k": wav24k, "inputs/wav44k1_stereo": wav44k1, "inputs/wav16k": wav16k,
            "out/mel_vocos": MelSpec(mel_spec_type="vocos")(wav24k),
            "out/mel_bigvgan": MelSpec(mel_spec_type="bigvgan")(wav24k),
            "out/resample_44k1_to_24k": torchaudio.transforms.Resample(44100, 24000)(wav44k1.mean(0, keepdim=True)),
            "out/resample_16k_to_24k": torchaudio.transforms.Resample(16000, 24000)(wav16k),
        }
    upstream.write_safetensors(os.path.join(out_dir, "frontend.safetensors"), t, {
        "kind": "frontend",
        "what": "mel spectrograms (MelSpec vocos/bigvgan, default F5 params) of wav24k, and torchaudio Resample "
                "(default params) of the mono mix of wav44k1_stereo and of wav16k; wav tensors are torchaudio.load "
                "of the files in audio/"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
