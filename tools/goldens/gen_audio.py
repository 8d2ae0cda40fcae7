#!/usr/bin/env python3
"""audio/*.wav: the reference clips, espeak-ng's Brazilian Portuguese voice reading REF_TEXT (22.05 kHz), resampled
by SoX to 24 kHz mono, 16 kHz mono and 44.1 kHz stereo (the mono signal on both channels), 16-bit.

SoX dithers by default, with fresh noise on each run; the committed clips carry that noise (at most 1 LSB off
the undithered signal), so this writes them undithered (-D): equal within 1 LSB, not byte for byte. The other
kinds keep reading the committed clips. Made with espeak-ng 1.51 and SoX 14.4.2 (Debian packages).
usage: gen_audio.py OUT_DIR   (writes OUT_DIR/audio/)
"""
import os
import subprocess
import sys
import tempfile

REF_TEXT = "O rato roeu a roupa do rei de Roma."
CLIPS = {"ref_24k_mono.wav": ["-r", "24000"], "ref_16k_mono.wav": ["-r", "16000"],
         "ref_44k1_stereo.wav": ["-r", "44100", "-c", "2"]}


def main(out_dir):
    os.makedirs(os.path.join(out_dir, "audio"), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        speech = os.path.join(tmp, "espeak.wav")
        subprocess.run(["espeak-ng", "-v", "pt-br", "-w", speech, REF_TEXT], check=True)
        for name, args in CLIPS.items():
            subprocess.run(["sox", "-D", speech, *args, os.path.join(out_dir, "audio", name)], check=True)


if __name__ == "__main__":
    main(sys.argv[1])
